package main

import (
	"context"
	"sync"
	"time"

	"zeromall/pkg/events"
)

// natsURLs are run-ha.sh's three JetStream nodes.
const natsURLs = "nats://127.0.0.1:14222,nats://127.0.0.1:24222,nats://127.0.0.1:34222"

// lagWatch samples, every 250 ms, how many payment events order-rpc's consumer has not yet
// acknowledged: the delay between a payment and its order becoming paid, in events.
type lagWatch struct {
	mu      sync.Mutex
	samples []lagSample
}

type lagSample struct {
	at  time.Time
	lag uint64
}

// watchLag samples until ctx ends.
func watchLag(ctx context.Context) (*lagWatch, error) {
	bus, err := events.Connect(events.Config{URL: natsURLs}, "hafaults")
	if err != nil {
		return nil, err
	}
	l := &lagWatch{}
	go func() {
		defer bus.Close()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			qctx, cancel := context.WithTimeout(ctx, time.Second)
			c, err := bus.JetStream().Consumer(qctx, events.Payments.Name, "order-rpc-payments")
			if err == nil {
				if info, err := c.Info(qctx); err == nil {
					l.mu.Lock()
					l.samples = append(l.samples, lagSample{time.Now(), events.Lag(info)})
					l.mu.Unlock()
				}
			}
			cancel()
		}
	}()
	return l, nil
}

// max is the largest lag sampled between from and to, and how many samples there were.
func (l *lagWatch) max(from, to time.Time) (peak uint64, samples int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.samples {
		if s.at.Before(from) || s.at.After(to) {
			continue
		}
		samples++
		peak = max(peak, s.lag)
	}
	return peak, samples
}
