// Package workers holds payment-rpc's background work, started by main and stopped on shutdown.
package workers

import (
	"context"
	"fmt"
	"os"
	"time"

	"zeromall/apps/payment/rpc/internal/payments"
	"zeromall/pkg/worker"

	"github.com/zeromicro/go-zero/core/stringx"
)

// RelayOwner names this process's relay in the leases it takes: unique per process start, so a
// restarted instance never mistakes its predecessor's leases for its own.
func RelayOwner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), stringx.Randn(8))
}

// StartOutboxRelay delivers outbox messages to order-rpc (payments.DeliverDue) every interval
// and as soon as a payment queues one, draining while full batches come back. Every payment-rpc
// instance runs one. Stop the returned loop on shutdown: it ends after the message in flight.
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

// StartOutboxStats samples the outbox's backlog into the metrics every interval.
func StartOutboxStats(p *payments.Service, interval time.Duration) *worker.Loop {
	return worker.Start(interval, nil, func(<-chan struct{}) {
		p.ObserveOutbox(context.Background())
	})
}
