// Package workers holds order-rpc's background work, started by main and stopped on shutdown.
package workers

import (
	"context"
	"time"

	"zeromall/apps/order/rpc/internal/orders"
	"zeromall/pkg/worker"

	"github.com/zeromicro/go-zero/core/logx"
)

// StartAutoCanceller cancels and restocks orders left pending longer than after, scanning every
// interval, batch orders at a time. Every order-rpc instance runs one (orders.CancelExpired
// needs no coordination). Stop the returned loop on shutdown.
func StartAutoCanceller(o *orders.Service, after, interval time.Duration, batch int) *worker.Loop {
	return worker.Start(interval, nil, func(ctx context.Context, _ <-chan struct{}) {
		if _, err := o.CancelExpired(ctx, time.Now().Add(-after), batch); err != nil {
			logx.WithContext(ctx).Errorf("auto-cancel: %v", err)
		}
	})
}
