package workers

import (
	"context"
	"time"

	"zeromall/apps/payment/rpc/internal/payments"
	"zeromall/pkg/worker"

	"github.com/zeromicro/go-zero/core/logx"
)

// StartPaymentExpiry expires pending payments whose time ran out, scanning every interval, batch
// at a time. Every payment-rpc instance runs one (payments.ExpireDue needs no coordination).
func StartPaymentExpiry(p *payments.Service, interval time.Duration, batch int) *worker.Loop {
	return worker.Start(interval, nil, func(ctx context.Context, _ <-chan struct{}) {
		if _, err := p.ExpireDue(ctx, batch); err != nil {
			logx.WithContext(ctx).Errorf("payment expiry: %v", err)
		}
	})
}
