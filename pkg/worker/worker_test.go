package worker

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	oteltrace "go.opentelemetry.io/otel/trace"
)

func TestLoop_RunsOnTicksAndWakesAndStopsAfterTheRound(t *testing.T) {
	var rounds atomic.Int32
	wake := make(chan struct{}, 1)
	release := make(chan struct{})
	l := Start(time.Hour, wake, func(_ context.Context, stop <-chan struct{}) {
		rounds.Add(1)
		<-release
	})
	wake <- struct{}{}
	deadline := time.Now().Add(5 * time.Second)
	for rounds.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if rounds.Load() != 1 {
		t.Fatal("a wake-up did not start a round")
	}
	stopped := make(chan struct{})
	go func() { l.Stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("Stop returned while a round was running")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	<-stopped
}

func TestLoop_TicksWithoutWake(t *testing.T) {
	var rounds atomic.Int32
	l := Start(5*time.Millisecond, nil, func(context.Context, <-chan struct{}) { rounds.Add(1) })
	deadline := time.Now().Add(5 * time.Second)
	for rounds.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	l.Stop()
	if rounds.Load() < 2 {
		t.Fatalf("%d rounds", rounds.Load())
	}
}

func TestRound_HasATraceIDButSamplesNothing(t *testing.T) {
	a, b := oteltrace.SpanContextFromContext(Round()), oteltrace.SpanContextFromContext(Round())
	if !a.IsValid() || a.IsSampled() {
		t.Fatalf("a round's trace context %v: want valid and not sampled", a)
	}
	if a.TraceID() == b.TraceID() {
		t.Fatal("two rounds share a trace id")
	}
	// What go-zero's sampler decides under it: nothing of the round is recorded.
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.AlwaysSample())))
	_, span := tp.Tracer("test").Start(Round(), "sql")
	if span.IsRecording() {
		t.Fatal("a span started in a round is recorded")
	}
}
