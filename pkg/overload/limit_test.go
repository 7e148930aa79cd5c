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
	now = feed(l, now, 3*time.Millisecond, true) // within tolerance (2×): still grows
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
