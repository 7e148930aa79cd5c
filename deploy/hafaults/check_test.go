package main

import (
	"context"
	"maps"
	"testing"
	"time"
)

func TestStillThere_KeepsOnlyTheOrdersInEveryCheck(t *testing.T) {
	first := stillThere(nil, map[string]string{"a": "a pending", "b": "b pending"})
	if len(first) != 2 {
		t.Fatalf("the first check keeps everything it saw, got %v", first)
	}
	second := stillThere(first, map[string]string{"b": "b refunded", "c": "c pending"})
	want := map[string]string{"b": "b refunded"}
	if !maps.Equal(second, want) {
		t.Fatalf("got %v, want %v: a, delivered since, and c, new, do not last", second, want)
	}
	if third := stillThere(second, map[string]string{}); len(third) != 0 {
		t.Fatalf("an order that agrees again must not count, got %v", third)
	}
}

func TestWaitThroughput_FindsTheFirstSecondBackInTheRecordedLoad(t *testing.T) {
	since := time.Now().Add(-10 * time.Second)
	rec := &recorder{}
	// Nothing for 3 s after since, then 10 successful writes a second.
	for at := since.Add(3 * time.Second); at.Before(since.Add(8 * time.Second)); at = at.Add(100 * time.Millisecond) {
		rec.add(sample{at: at, write: true, ok: true})
	}
	got := waitThroughput(context.Background(), rec, since, 10)
	// The first window of one second holding 8 writes ends 0.8 s after they began.
	if got < 3700*time.Millisecond || got > 4000*time.Millisecond {
		t.Fatalf("writes came back %s after since, want 3.7-4.0s", got)
	}
}

func TestGaleraLogTime_ReadsMariaDBsSpacePaddedHour(t *testing.T) {
	at, ok := galeraLogTime("2026-12-06  8:22:21 0 [Note] WSREP: evs::proto(…) install timer expired")
	if !ok || at.Hour() != 8 || at.Minute() != 22 || at.Second() != 21 {
		t.Fatalf("galeraLogTime = %v, %v", at, ok)
	}
	if _, ok := galeraLogTime("Version: 0"); ok {
		t.Fatal("a line without a time was read as one")
	}
}
