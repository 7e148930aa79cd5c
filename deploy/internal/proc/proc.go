// Package proc reads what the benchmark and the HA fault driver need to know about the processes
// they measure: pid files and CPU time used, from /proc (Linux).
package proc

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times (100 on Linux everywhere).
const clockTicks = 100

// Stat returns the fields of /proc/<pid>/stat after the command name (the state is the first);
// nil when the process is gone.
func Stat(pid int) []string {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 > len(s) {
		return nil
	}
	return strings.Fields(s[i+2:])
}

// CPUTime is the user and system CPU time pid has used so far; false when it is gone.
func CPUTime(pid int) (time.Duration, bool) {
	fields := Stat(pid) // utime and stime are its 12th and 13th
	if len(fields) < 13 {
		return 0, false
	}
	user, _ := strconv.ParseInt(fields[11], 10, 64)
	sys, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(user+sys) * time.Second / clockTicks, true
}

// ReadPid reads a pid file.
func ReadPid(file string) (int, error) {
	b, err := os.ReadFile(filepath.Clean(file))
	if err != nil {
		return 0, fmt.Errorf("read pid: %w", err)
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// PidFiles returns the pids of dir's <name>.pid files by name.
func PidFiles(dir string) map[string]int {
	files, _ := filepath.Glob(filepath.Join(dir, "*.pid"))
	pids := map[string]int{}
	for _, f := range files {
		if pid, err := ReadPid(f); err == nil {
			pids[strings.TrimSuffix(filepath.Base(f), ".pid")] = pid
		}
	}
	return pids
}

// CPUTimes reads the CPU time used so far by each of pids, by name; a process that is gone is
// left out.
func CPUTimes(pids map[string]int) map[string]time.Duration {
	times := make(map[string]time.Duration, len(pids))
	for name, pid := range pids {
		if t, ok := CPUTime(pid); ok {
			times[name] = t
		}
	}
	return times
}
