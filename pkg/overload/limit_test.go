package overload

import (
	"testing"
	"time"
)

// feed gives the limiter one window of answers that each took took, ending at now.
func feed(l *limiter, now time.Time, took time.Duration, binding bool) time.Time {
	now = now.Add(window)
	l.binding = binding
	for range minSamples {
		l.observe(now, took)
	}
	return now
}

func TestLimiter_GrowsOnlyWhenBindingAndFast(t *testing.T) {
	c := DefaultConfig()
	now := time.Now()
	l := newLimiter(c, now)
	now = feed(l, now, time.Millisecond, false)
	if got := l.Limit(); got != c.InitialLimit {
		t.Fatalf("a limit that turned nobody away grew to %d", got)
	}
	now = feed(l, now, time.Millisecond, true)
	if got := l.Limit(); got <= c.InitialLimit {
		t.Fatalf("a binding limit with fast answers stayed at %d", got)
	}
	for range 200 {
		now = feed(l, now, time.Millisecond, true)
	}
	if got := l.Limit(); got != c.MaxLimit {
		t.Fatalf("limit %d, want it capped at MaxLimit %d", got, c.MaxLimit)
	}
}

func TestLimiter_ShrinksWhenServiceTimeRises(t *testing.T) {
	c := DefaultConfig()
	now := time.Now()
	l := newLimiter(c, now)
	now = feed(l, now, 2*time.Millisecond, true)
	before := l.Limit()
	now = feed(l, now, 3*time.Millisecond, true) // within tolerance (1.5×): still grows
	if l.Limit() <= before {
		t.Fatalf("limit went from %d to %d within tolerance", before, l.Limit())
	}
	before = l.Limit()
	now = feed(l, now, 8*time.Millisecond, true) // 4× the fastest window: halves at most
	if got := l.Limit(); got != before/2 {
		t.Fatalf("limit %d after a 4× slower window, want %d", got, before/2)
	}
	for range 50 {
		now = feed(l, now, 50*time.Millisecond, true)
	}
	if got := l.Limit(); got != c.MinLimit {
		t.Fatalf("limit %d, want it floored at MinLimit %d", got, c.MinLimit)
	}
	// The fast window ages out after minHorizon: a lasting slowdown becomes the new normal.
	now = now.Add(minHorizon)
	for range 20 {
		now = feed(l, now, 50*time.Millisecond, true)
	}
	if got := l.Limit(); got <= c.MinLimit {
		t.Fatalf("limit stayed at %d after the fast windows aged out", got)
	}
}

func TestLimiter_ProbesUnloadedServiceTimeWhileBusy(t *testing.T) {
	c := DefaultConfig()
	now := time.Now()
	l := newLimiter(c, now)
	for l.probe == 0 {
		if now.Sub(l.start) > 2*probeEvery {
			t.Fatal("a busy lane never probed")
		}
		now = feed(l, now, 20*time.Millisecond, true)
	}
	saved := int(l.saved)
	if saved <= c.MinLimit || l.limit != float64(c.MinLimit) {
		t.Fatalf("probing at limit %v (saved %d), want MinLimit %d", l.limit, saved, c.MinLimit)
	}
	now = feed(l, now, 20*time.Millisecond, true) // drains what was admitted before the probe
	now = feed(l, now, 5*time.Millisecond, true)  // the unloaded measure
	if l.probe != 0 || l.Limit() != saved {
		t.Fatalf("after the probe: limit %d, probe %d; want %d restored", l.Limit(), l.probe, saved)
	}
	feed(l, now, 20*time.Millisecond, true) // 4× the probe's service time: the limit halves
	if got := l.Limit(); got != saved/2 {
		t.Fatalf("limit %d after the probe found a faster unloaded time, want %d", got, saved/2)
	}
}
