package overload

import (
	"testing"
	"time"
)

// feed gives the limiter one window of n answers that each took took: all but the last inside
// the window, the last one closing it.
func feed(l *limiter, now time.Time, n int, took time.Duration, binding bool) time.Time {
	l.binding = binding
	for range n - 1 {
		l.observe(now.Add(window/2), took)
	}
	now = now.Add(window)
	l.observe(now, took)
	return now
}

func testConfig() Config {
	c := DefaultConfig()
	c.MinLimit, c.MaxLimit = 4, 512
	return c
}

// The limit is Tolerance × best rate × fastest service time: 1000 answers in 250 ms is 4000/s,
// at 10 ms each 40 in progress, ×1.5 = 60.
func TestLimiter_IsToleranceTimesBandwidthDelayProduct(t *testing.T) {
	c := testConfig()
	now := time.Now()
	l := newLimiter(c, now)
	feed(l, now, 1000, 10*time.Millisecond, true)
	if got := l.Limit(); got != 60 {
		t.Fatalf("limit %d, want 60", got)
	}
}

func TestLimiter_FallsWithTheRateWhenADownstreamSlowsAndStaysWithinBounds(t *testing.T) {
	c := testConfig()
	now := time.Now()
	l := newLimiter(c, now)
	now = feed(l, now, 1000, 10*time.Millisecond, true)
	before := l.Limit()
	// The downstream takes 4× longer: fewer answers per window, the fastest time is unchanged.
	for range rateWindows + 1 { // not binding: no probe in between
		now = feed(l, now, 250, 40*time.Millisecond, false)
	}
	if got := l.Limit(); got >= before || got != 15 { // 1000/s × 10 ms × 1.5
		t.Fatalf("limit %d (before %d), want 15 once the faster rate aged out", got, before)
	}
	for range 200 {
		now = feed(l, now, 10, time.Millisecond, false)
	}
	if got := l.Limit(); got != c.MinLimit {
		t.Fatalf("limit %d, want it floored at MinLimit %d", got, c.MinLimit)
	}
	l = newLimiter(c, now)
	feed(l, now, 100000, 100*time.Millisecond, true)
	if got := l.Limit(); got != c.MaxLimit {
		t.Fatalf("limit %d, want it capped at MaxLimit %d", got, c.MaxLimit)
	}
}

func TestLimiter_ProbesLowConcurrencyServiceTimeWhileBusy(t *testing.T) {
	c := testConfig()
	now := time.Now()
	l := newLimiter(c, now)
	for i := 0; l.probe == 0; i++ {
		if i > 2*int(probeEvery/window) {
			t.Fatal("a busy lane never probed")
		}
		now = feed(l, now, 1000, 10*time.Millisecond, true)
	}
	if l.Limit() != c.MinLimit || int(l.saved) != 60 {
		t.Fatalf("probing at limit %d (saved %v), want MinLimit %d (saved 60)", l.Limit(), l.saved, c.MinLimit)
	}
	now = feed(l, now, 1000, 10*time.Millisecond, true) // drains what was admitted before the probe
	now = feed(l, now, 100, 5*time.Millisecond, true)   // the low-concurrency measure
	if l.probe != 0 || l.Limit() != 60 {
		t.Fatalf("after the probe: limit %d, probe %d; want 60 restored", l.Limit(), l.probe)
	}
	feed(l, now, 1000, 10*time.Millisecond, true) // the probe found 5 ms: 4000/s × 5 ms × 1.5
	if got := l.Limit(); got != 30 {
		t.Fatalf("limit %d after the probe, want 30", got)
	}
}
