package overload

import (
	"math"
	"time"
)

const (
	// window is how often a lane's limit is reconsidered (given minSamples answers in it).
	window     = 250 * time.Millisecond
	minSamples = 10
	// minHorizon is how long a fast window counts as the lane's unloaded service time; older
	// ones age out so that a lasting change (a bigger table, a slower disk) is accepted.
	minHorizon = 30 * time.Second
	minBuckets = 6
)

// limiter adapts a concurrency limit to the service time it observes (a gradient, after TCP
// Vegas and Netflix's concurrency-limits): while a window's mean service time stays within
// tolerance of the fastest recent window, the limit grows when it was the bottleneck; when
// service time rises beyond that, requests are queueing inside the process or downstream and
// the limit shrinks in proportion. Not safe for concurrent use: the lane holds its lock.
type limiter struct {
	limit     float64
	min, max  float64
	tolerance float64

	start   time.Time
	sum     time.Duration
	count   int
	binding bool // the limit turned a request away or made it wait in this window

	mins    [minBuckets]time.Duration // fastest window mean per minHorizon/minBuckets bucket
	minsAt  [minBuckets]time.Time
	current int
}

func newLimiter(c Config, now time.Time) *limiter {
	return &limiter{limit: float64(c.InitialLimit), min: float64(c.MinLimit), max: float64(c.MaxLimit),
		tolerance: c.Tolerance, start: now}
}

// Limit is the current limit, at least 1.
func (l *limiter) Limit() int {
	return max(1, int(l.limit))
}

// observe records one answer's service time and, at the end of a window, adapts the limit.
func (l *limiter) observe(now time.Time, took time.Duration) {
	l.sum += took
	l.count++
	if now.Sub(l.start) < window || l.count < minSamples {
		return
	}
	mean := l.sum / time.Duration(l.count)
	fastest := l.remember(now, mean)
	gradient := l.tolerance * float64(fastest) / float64(mean)
	switch {
	case gradient < 1:
		l.limit *= math.Max(gradient, 0.5)
	case l.binding:
		l.limit += math.Max(1, math.Sqrt(l.limit))
	}
	l.limit = math.Min(math.Max(l.limit, l.min), l.max)
	l.start, l.sum, l.count, l.binding = now, 0, 0, false
}

// remember keeps the fastest window mean per time bucket and returns the fastest of the buckets
// within minHorizon.
func (l *limiter) remember(now time.Time, mean time.Duration) time.Duration {
	bucket := minHorizon / minBuckets
	if now.Sub(l.minsAt[l.current]) >= bucket {
		l.current = (l.current + 1) % minBuckets
		l.mins[l.current], l.minsAt[l.current] = mean, now
	} else if mean < l.mins[l.current] {
		l.mins[l.current] = mean
	}
	fastest := mean
	for i, m := range l.mins {
		if m > 0 && now.Sub(l.minsAt[i]) < minHorizon && m < fastest {
			fastest = m
		}
	}
	return fastest
}
