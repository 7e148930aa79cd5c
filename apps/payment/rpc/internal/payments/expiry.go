package payments

import (
	"context"
	"time"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
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
		ok, err := s.change(ctx, "payment.expired", s.payments.CacheKeys(p), func(ctx context.Context, tx sqlx.Session) (bool, error) {
			return s.payments.ExpireTx(ctx, tx, p.Id, now)
		})
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
