package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"zeromall/deploy/internal/proc"
)

// cpuTimes reads the CPU time used so far by every process run-ha.sh started, by name.
func cpuTimes() map[string]time.Duration {
	return proc.CPUTimes(proc.PidFiles(filepath.Join(haDir, "pids")))
}

// cpuShare prints each process's share of a core between two readings over elapsed, the
// busiest first, and returns the total.
func cpuShare(before, after map[string]time.Duration, elapsed time.Duration) (string, float64) {
	type use struct {
		name  string
		share float64
	}
	var uses []use
	total := 0.0
	for name, t := range after {
		s := float64(t-before[name]) / float64(elapsed)
		total += s
		uses = append(uses, use{name, s})
	}
	slices.SortFunc(uses, func(a, b use) int {
		if a.share != b.share {
			if a.share > b.share {
				return -1
			}
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	var b strings.Builder
	for _, u := range uses {
		fmt.Fprintf(&b, " %s=%.0f%%", u.name, 100*u.share)
	}
	return b.String(), total
}
