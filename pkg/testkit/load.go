package testkit

import (
	"fmt"
	"sort"
	"time"
)

// Result is one request of a load run (see e2e/faults_test.go).
type Result struct {
	Status  int // HTTP status, or 0 for a transport error
	Latency time.Duration
}

// LoadStats summarizes a load run.
type LoadStats struct {
	Total    int
	ByStatus map[int]int
	P50      time.Duration
	P90      time.Duration
	P99      time.Duration
	Max      time.Duration
	Elapsed  time.Duration
}

func (s LoadStats) String() string {
	return fmt.Sprintf("%d requests in %s (%.0f/s), statuses %v, p50 %s p90 %s p99 %s max %s",
		s.Total, s.Elapsed.Round(time.Millisecond), float64(s.Total)/s.Elapsed.Seconds(), s.ByStatus,
		s.P50.Round(time.Microsecond), s.P90.Round(time.Microsecond), s.P99.Round(time.Microsecond), s.Max.Round(time.Microsecond))
}

// Rate returns the share of requests that answered status.
func (s LoadStats) Rate(status int) float64 {
	if s.Total == 0 {
		return 0
	}
	return float64(s.ByStatus[status]) / float64(s.Total)
}

// Summarize computes the statistics of a set of results.
func Summarize(results []Result, elapsed time.Duration) LoadStats {
	s := LoadStats{Total: len(results), ByStatus: map[int]int{}, Elapsed: elapsed}
	lat := make([]time.Duration, len(results))
	for i, r := range results {
		s.ByStatus[r.Status]++
		lat[i] = r.Latency
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	s.P50, s.P90, s.P99 = percentile(lat, 50), percentile(lat, 90), percentile(lat, 99)
	if len(lat) > 0 {
		s.Max = lat[len(lat)-1]
	}
	return s
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	if i > 0 {
		i--
	}
	return sorted[i]
}
