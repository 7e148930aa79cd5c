// Package worker runs the background loops of the rpc services: a function every interval, or at
// once when woken, until Stop.
package worker

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/zeromicro/go-zero/core/threading"
	oteltrace "go.opentelemetry.io/otel/trace"
)

// Loop is one running background loop.
type Loop struct {
	stop chan struct{}
	done chan struct{}
}

// Start calls run every interval, and at once whenever wake delivers (nil: never). run gets the
// round's context (Round) and the channel that Stop closes, to end a long round early between two
// units of work.
func Start(interval time.Duration, wake <-chan struct{}, run func(ctx context.Context, stop <-chan struct{})) *Loop {
	l := &Loop{stop: make(chan struct{}), done: make(chan struct{})}
	threading.GoSafe(func() {
		defer close(l.done)
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-ticker.C:
			case <-wake:
			}
			run(Round(), l.stop)
		}
	})
	return l
}

// Stop ends the loop and waits for a running round to finish.
func (l *Loop) Stop() {
	close(l.stop)
	<-l.done
}

// Round is the context of one round of background work: a trace context that is not sampled. A
// round's SQL and Redis calls would otherwise each start a trace of their own, several a second
// for every instance, burying the requests' traces in the backend; this way they record nothing,
// yet the round's log lines share one trace id. Work a round does on a request's behalf (an
// outbox row's event) continues that request's trace instead.
func Round() context.Context {
	var cfg oteltrace.SpanContextConfig
	_, _ = rand.Read(cfg.TraceID[:]) // crypto/rand.Read never fails
	_, _ = rand.Read(cfg.SpanID[:])
	return oteltrace.ContextWithSpanContext(context.Background(), oteltrace.NewSpanContext(cfg))
}
