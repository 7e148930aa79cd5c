//go:build crashpoints

package crashpoint

import (
	"fmt"
	"os"
	"strings"
	"syscall"
)

var armed = parse(os.Getenv(EnvVar))

func parse(list string) map[string]bool {
	points := map[string]bool{}
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); p != "" {
			points[p] = true
		}
	}
	return points
}

// Hit kills the process with SIGKILL when point is armed in ZEROMALL_CRASH_AT.
func Hit(point string) {
	if !armed[point] {
		return
	}
	fmt.Fprintf(os.Stderr, "crashpoint: %s reached, killing the process\n", point)
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {} // SIGKILL is delivered asynchronously; nothing may run after the point
}
