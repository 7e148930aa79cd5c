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
	// probeEvery is how often a busy lane drops to MinLimit for one window to measure its
	// service time unloaded again (as BBR's ProbeRTT does): under a lasting overload no other
	// window is unloaded, and the fastest one would drift up with the load.
	probeEvery = 10 * time.Second
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

	probeAt time.Time
	probe   int     // 0 not probing; 1 draining what was admitted before; 2 measuring
	saved   float64 // the limit to return to after a probe

	mins    [minBuckets]time.Duration // fastest window mean per minHorizon/minBuckets bucket
	minsAt  [minBuckets]time.Time
	current int
}

func newLimiter(c Config, now time.Time) *limiter {
	return &limiter{limit: float64(c.InitialLimit), min: float64(c.MinLimit), max: float64(c.MaxLimit),
		tolerance: c.Tolerance, start: now, probeAt: now.Add(probeEvery)}
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
	if l.probe == 1 { // answers admitted before the probe: not an unloaded measure
		l.probe = 2
		l.start, l.sum, l.count, l.binding = now, 0, 0, false
		return
	}
	fastest := l.remember(now, mean)
	gradient := l.tolerance * float64(fastest) / float64(mean)
	switch {
	case l.probe == 2: // back to where the lane was; the next window compares with the probe
		l.limit, l.probe = l.saved, 0
		l.probeAt = now.Add(probeEvery)
	case l.binding && !now.Before(l.probeAt):
		l.saved, l.limit, l.probe = l.limit, l.min, 1
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
