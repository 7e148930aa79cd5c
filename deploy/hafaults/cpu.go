package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times (100 on Linux everywhere).
const clockTicks = 100

// cpuTimes reads the CPU time used so far by every process run-ha.sh started, by name.
func cpuTimes() map[string]time.Duration {
	files, _ := filepath.Glob(filepath.Join(haDir, "pids", "*.pid"))
	times := map[string]time.Duration{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".pid")
		pid, err := pidOf(name)
		if err != nil {
			continue
		}
		fields := procStat(pid) // utime and stime are its 12th and 13th
		if len(fields) < 13 {
			continue
		}
		user, _ := strconv.ParseInt(fields[11], 10, 64)
		sys, _ := strconv.ParseInt(fields[12], 10, 64)
		times[name] = time.Duration(user+sys) * time.Second / clockTicks
	}
	return times
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
