// Package workers holds order-rpc's background work, started by main and stopped on shutdown.
package workers

import (
	"context"
	"time"

	"zeromall/apps/order/rpc/internal/orders"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/threading"
)

// AutoCanceller cancels and restocks orders left pending longer than After, scanning every
// Interval, Batch orders at a time. Every order-rpc instance runs one (orders.CancelExpired
// needs no coordination).
type AutoCanceller struct {
	orders   *orders.Service
	after    time.Duration
	interval time.Duration
	batch    int
	stop     chan struct{}
	done     chan struct{}
}

// StartAutoCanceller starts the scan loop; Stop ends it.
func StartAutoCanceller(o *orders.Service, after, interval time.Duration, batch int) *AutoCanceller {
	a := &AutoCanceller{orders: o, after: after, interval: interval, batch: batch,
		stop: make(chan struct{}), done: make(chan struct{})}
	threading.GoSafe(a.loop)
	return a
}

// Stop ends the loop and waits for a running scan to finish.
func (a *AutoCanceller) Stop() {
	close(a.stop)
	<-a.done
}

func (a *AutoCanceller) loop() {
	defer close(a.done)
	ticker := time.NewTicker(a.interval)
	defer ticker.Stop()
	for {
		select {
		case <-a.stop:
			return
		case <-ticker.C:
			a.ScanOnce(context.Background())
		}
	}
}

// ScanOnce cancels one batch of expired pending orders and returns how many it cancelled.
func (a *AutoCanceller) ScanOnce(ctx context.Context) int {
	n, err := a.orders.CancelExpired(ctx, time.Now().Add(-a.after), a.batch)
	if err != nil {
		logx.WithContext(ctx).Errorf("auto-cancel: %v", err)
	}
	return n
}
