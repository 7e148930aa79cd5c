// Package worker runs the background loops of the rpc services: a function every interval, or at
// once when woken, until Stop.
package worker

import (
	"time"

	"github.com/zeromicro/go-zero/core/threading"
)

// Loop is one running background loop.
type Loop struct {
	stop chan struct{}
	done chan struct{}
}

// Start calls run every interval, and at once whenever wake delivers (nil: never). run gets the
// channel that Stop closes, to end a long round early between two units of work.
func Start(interval time.Duration, wake <-chan struct{}, run func(stop <-chan struct{})) *Loop {
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
			run(l.stop)
		}
	})
	return l
}

// Stop ends the loop and waits for a running round to finish.
func (l *Loop) Stop() {
	close(l.stop)
	<-l.done
}
