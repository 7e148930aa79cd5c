//go:build crashpoints

package crashpoint

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
)

var armed = parse(os.Getenv(EnvVar))

// parse reads "a,b@0.05": a crashes at every hit, b at 5 % of its hits.
func parse(list string) map[string]float64 {
	points := map[string]float64{}
	for _, p := range strings.Split(list, ",") {
		name, share, found := strings.Cut(strings.TrimSpace(p), "@")
		if name == "" {
			continue
		}
		rate := 1.0
		if found {
			r, err := strconv.ParseFloat(share, 64)
			if err != nil || r <= 0 || r > 1 {
				panic(fmt.Sprintf("crashpoint: %s: %q is not a share in (0, 1]", EnvVar, p))
			}
			rate = r
		}
		points[name] = rate
	}
	return points
}

// Hit kills the process with SIGKILL when point is armed in ZEROMALL_CRASH_AT (at its share of
// the hits, when one is given).
func Hit(point string) {
	rate, ok := armed[point]
	if !ok || (rate < 1 && rand.Float64() >= rate) {
		return
	}
	fmt.Fprintf(os.Stderr, "crashpoint: %s reached, killing the process\n", point)
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {} // SIGKILL is delivered asynchronously; nothing may run after the point
}
