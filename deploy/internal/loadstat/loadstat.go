// Package loadstat computes the figures the tools under deploy/ print from latency samples.
package loadstat

import (
	"math"
	"slices"
	"time"
)

// Percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of samples: the smallest sample
// that at least p % of all samples do not exceed. The p99 of 100 samples is the 99th smallest,
// not the largest. 0 for no samples; samples is not reordered.
func Percentile(samples []time.Duration, p float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}
