package workers

import (
	"context"
	"time"

	"zeromall/apps/order/rpc/internal/orders"
	"zeromall/pkg/worker"

	"github.com/zeromicro/go-zero/core/logx"
)

// StartIdempotencyPurge deletes expired Idempotency-Keys every interval, batch at a time, while
// full batches come back. Every order-rpc instance runs one; deleting is idempotent.
func StartIdempotencyPurge(o *orders.Service, interval time.Duration, batch int) *worker.Loop {
	return worker.Start(interval, nil, func(stop <-chan struct{}) {
		ctx := context.Background()
		for {
			n, err := o.PurgeExpiredKeys(ctx, batch)
			if err != nil {
				logx.WithContext(ctx).Errorf("purge idempotency keys: %v", err)
				return
			}
			if n < int64(batch) {
				return
			}
			select {
			case <-stop:
				return
			default:
			}
		}
	})
}
