// Package workers holds payment-rpc's background work, started by main and stopped on shutdown.
package workers

import (
	"context"
	"time"

	"zeromall/apps/payment/rpc/internal/payments"

	"github.com/zeromicro/go-zero/core/threading"
)

// OutboxRelay delivers outbox messages to order-rpc (payments.DeliverDue) every interval and as
// soon as a payment queues one, draining while full batches come back. Every payment-rpc
// instance runs one.
type OutboxRelay struct {
	payments *payments.Service
	delivery payments.Delivery
	interval time.Duration
	stop     chan struct{}
	done     chan struct{}
}

// StartOutboxRelay starts the delivery loop; Stop ends it.
func StartOutboxRelay(p *payments.Service, d payments.Delivery, interval time.Duration) *OutboxRelay {
	r := &OutboxRelay{payments: p, delivery: d, interval: interval, stop: make(chan struct{}), done: make(chan struct{})}
	threading.GoSafe(r.loop)
	return r
}

// Stop ends the loop after the batch in flight.
func (r *OutboxRelay) Stop() {
	close(r.stop)
	<-r.done
}

func (r *OutboxRelay) loop() {
	defer close(r.done)
	ticker := time.NewTicker(r.interval)
	defer ticker.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-ticker.C:
		case <-r.payments.Queued():
		}
		for r.payments.DeliverDue(context.Background(), r.delivery) == r.delivery.Batch {
			select {
			case <-r.stop:
				return
			default:
			}
		}
	}
}
