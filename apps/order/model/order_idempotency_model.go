package model

import (
	"context"
	"fmt"

	"zeromall/pkg/cachex"

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
		// Invalidate drops the cached lookup of a key (and its not-found marker).
		Invalidate(ctx context.Context, userID int64, key string) error
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

func (m *customOrderIdempotencyModel) Invalidate(ctx context.Context, userID int64, key string) error {
	return m.DelCacheCtx(ctx, fmt.Sprintf("%s%v:%v", cache_orderOrderIdempotencyUserIdIdempotencyKeyPrefix, userID, key))
}

// FindOneByUserIdIdempotencyKey is the cached read, falling back to MySQL when Redis is unavailable.
func (m *customOrderIdempotencyModel) FindOneByUserIdIdempotencyKey(ctx context.Context, userID int64, key string) (*OrderIdempotency, error) {
	return cachex.Read(ctx, func(ctx context.Context) (*OrderIdempotency, error) {
		return m.defaultOrderIdempotencyModel.FindOneByUserIdIdempotencyKey(ctx, userID, key)
	}, func() (*OrderIdempotency, error) { return m.FindFresh(ctx, userID, key) })
}
