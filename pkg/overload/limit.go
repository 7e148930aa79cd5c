package overload

import (
	"math"
	"time"
)

const (
	// window is how often a lane's limit is reconsidered (given minSamples answers in it).
	window     = 250 * time.Millisecond
	minSamples = 10
	// rateWindows is how many windows the best completion rate is remembered for (10 s).
	rateWindows = 40
	// minHorizon is how long a fast window counts as the lane's unloaded service time; older
	// ones age out so that a lasting change (a bigger table, a slower disk) is accepted.
	minHorizon = 30 * time.Second
	minBuckets = 6
	// probeEvery is how often a busy lane drops to MinLimit for a while to measure its service
	// time at low concurrency again (as BBR's ProbeRTT does): under a lasting overload no other
	// window is, and the fastest one would age out.
	probeEvery = 10 * time.Second
)

// limiter sets a lane's concurrency limit from what the lane has shown it can do — the model of
// go-zero's adaptive shedder and of TCP BBR, without the CPU trigger: the most answers it
// completed per second in the last 10 s, times its fastest recent mean service time, is how many
// requests it can have in progress without queueing (the bandwidth-delay product); the limit is
// Tolerance times that, within MinLimit and MaxLimit. When a downstream slows down, the rate
// falls and so does the limit: excess requests are turned away instead of queueing into
// timeouts. When the process itself is starved of CPU (rejection work, neighbours), the probes
// measure the slower service time too, and the limit does not collapse with the rate. Not safe
// for concurrent use: the lane holds its lock.
type limiter struct {
	limit     float64
	min, max  float64
	tolerance float64

	start   time.Time
	sum     time.Duration
	count   int
	binding bool // the limit turned a request away or made it wait in this window

	rates    [rateWindows]float64 // answers per second of the last windows
	rateNext int

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

// observe records one answer's service time and, at the end of a window, sets the limit.
func (l *limiter) observe(now time.Time, took time.Duration) {
	l.sum += took
	l.count++
	elapsed := now.Sub(l.start)
	if elapsed < window || l.count < minSamples {
		return
	}
	mean, rate, binding := l.sum/time.Duration(l.count), float64(l.count)/elapsed.Seconds(), l.binding
	l.start, l.sum, l.count, l.binding = now, 0, 0, false

	switch l.probe {
	case 1: // answers admitted before the probe: not a low-concurrency measure
		l.probe = 2
		return
	case 2: // the low-concurrency measure; then back to where the lane was
		l.remember(now, mean)
		l.limit, l.probe = l.saved, 0
		l.probeAt = now.Add(probeEvery)
		return
	}
	if binding && !now.Before(l.probeAt) {
		l.saved, l.limit, l.probe = l.limit, l.min, 1
		return
	}
	fastest := l.remember(now, mean)
	l.rates[l.rateNext] = rate
	l.rateNext = (l.rateNext + 1) % rateWindows
	best := 0.0
	for _, r := range l.rates {
		best = math.Max(best, r)
	}
	l.limit = math.Min(math.Max(l.tolerance*best*fastest.Seconds(), l.min), l.max)
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
