package model

import (
	"context"
	"fmt"
	"time"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

var _ OrderIdempotencyModel = (*customOrderIdempotencyModel)(nil)

type (
	// OrderIdempotencyModel is an interface to be customized, add more methods here,
	// and implement the added methods in customOrderIdempotencyModel.
	OrderIdempotencyModel interface {
		orderIdempotencyModel
		// InsertTx records a key inside the transaction that creates its order; a duplicate
		// (user, key) fails with a unique-key violation.
		InsertTx(ctx context.Context, s sqlx.Session, r *OrderIdempotency) error
		// FindFresh reads a key from MySQL, bypassing a cached not-found that a concurrent
		// request may have left behind.
		FindFresh(ctx context.Context, userID int64, key string) (*OrderIdempotency, error)
		// DeleteExpiredTx deletes the user's key if it was created before cutoff, so that the
		// transaction can record it anew.
		DeleteExpiredTx(ctx context.Context, s sqlx.Session, userID int64, key string, cutoff time.Time) error
		// PurgeBefore deletes up to limit keys created before cutoff and returns how many.
		PurgeBefore(ctx context.Context, cutoff time.Time, limit int) (int64, error)
	}

	customOrderIdempotencyModel struct {
		*defaultOrderIdempotencyModel
	}
)

// NewOrderIdempotencyModel returns a model for the database table.
func NewOrderIdempotencyModel(conn sqlx.SqlConn, c cache.CacheConf, opts ...cache.Option) OrderIdempotencyModel {
	return &customOrderIdempotencyModel{
		defaultOrderIdempotencyModel: newOrderIdempotencyModel(conn, c, opts...),
	}
}

func (m *customOrderIdempotencyModel) InsertTx(ctx context.Context, s sqlx.Session, r *OrderIdempotency) error {
	q := fmt.Sprintf("insert into %s (%s) values (?, ?, ?, ?)", m.table, orderIdempotencyRowsExpectAutoSet)
	if _, err := s.ExecCtx(ctx, q, r.UserId, r.IdempotencyKey, r.OrderId, r.RequestHash); err != nil {
		return fmt.Errorf("record idempotency key: %w", err)
	}
	return nil
}

func (m *customOrderIdempotencyModel) FindFresh(ctx context.Context, userID int64, key string) (*OrderIdempotency, error) {
	var r OrderIdempotency
	q := fmt.Sprintf("select %s from %s where `user_id` = ? and `idempotency_key` = ? limit 1", orderIdempotencyRows, m.table)
	if err := m.QueryRowNoCacheCtx(ctx, &r, q, userID, key); err != nil {
		return nil, err
	}
	return &r, nil
}

func (m *customOrderIdempotencyModel) DeleteExpiredTx(ctx context.Context, s sqlx.Session, userID int64, key string, cutoff time.Time) error {
	q := fmt.Sprintf("delete from %s where `user_id` = ? and `idempotency_key` = ? and `created_at` < ?", m.table)
	if _, err := s.ExecCtx(ctx, q, userID, key, cutoff.UTC()); err != nil {
		return fmt.Errorf("delete expired idempotency key: %w", err)
	}
	return nil
}

func (m *customOrderIdempotencyModel) PurgeBefore(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	q := fmt.Sprintf("delete from %s where `created_at` < ? order by `created_at` limit ?", m.table)
	res, err := m.ExecNoCacheCtx(ctx, q, cutoff.UTC(), limit)
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	return res.RowsAffected()
}
