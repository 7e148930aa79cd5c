package payments

import (
	"context"
	"time"

	"zeromall/apps/payment/model"

	"github.com/zeromicro/go-zero/core/logx"
)

// ExpireDue marks up to batch pending payments whose time ran out expired and returns how many
// this call expired. Instances need no coordination: each is a conditional update. Money that
// arrives for an expired payment is refunded (HandleCallback).
func (s *Service) ExpireDue(ctx context.Context, batch int) (int, error) {
	now := time.Now()
	due, err := s.payments.FindExpired(ctx, now, batch)
	if err != nil {
		return 0, err
	}
	expired := 0
	for _, p := range due {
		ok, err := s.move(ctx, p, expire, now, model.Move{}, "payment.expired", nil)
		if err != nil {
			logx.WithContext(ctx).Errorf("expire payment %s: %v", p.Sn, err)
			continue
		}
		if ok {
			expired++
		}
	}
	return expired, nil
}
