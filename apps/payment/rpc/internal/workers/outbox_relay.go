// Package workers holds payment-rpc's background work, started by main and stopped on shutdown.
package workers

import (
	"context"
	"time"

	"zeromall/apps/payment/rpc/internal/payments"
	"zeromall/pkg/worker"
)

// StartOutboxRelay delivers outbox messages to order-rpc (payments.DeliverDue) every interval
// and as soon as a payment queues one, draining while full batches come back. Every payment-rpc
// instance runs one. Stop the returned loop on shutdown: it ends after the batch in flight.
func StartOutboxRelay(p *payments.Service, d payments.Delivery, interval time.Duration) *worker.Loop {
	return worker.Start(interval, p.Queued(), func(stop <-chan struct{}) {
		for p.DeliverDue(context.Background(), d) == d.Batch {
			select {
			case <-stop:
				return
			default:
			}
		}
	})
}
