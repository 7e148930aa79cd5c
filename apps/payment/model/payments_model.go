package model

import (
	"context"
	"fmt"
	"time"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Values of payments.status: pending → succeeded → refunded.
const (
	PaymentPending   = "pending"
	PaymentSucceeded = "succeeded"
	PaymentRefunded  = "refunded"
)

var _ PaymentsModel = (*customPaymentsModel)(nil)

type (
	// PaymentsModel is an interface to be customized, add more methods here,
	// and implement the added methods in customPaymentsModel.
	PaymentsModel interface {
		paymentsModel
		// FindOneByOrderSnFresh reads from MySQL, bypassing a cached not-found that a
		// concurrent request may have left behind.
		FindOneByOrderSnFresh(ctx context.Context, orderSn string) (*Payments, error)
		// FindOneBySnFresh reads from MySQL, bypassing the cache.
		FindOneBySnFresh(ctx context.Context, sn string) (*Payments, error)
		// SucceedTx moves a pending payment to succeeded; false when it was not pending.
		SucceedTx(ctx context.Context, s sqlx.Session, id int64, tradeNo string, paidAt time.Time) (bool, error)
		// RefundTx moves a succeeded payment to refunded, noting why; false when it was not succeeded.
		RefundTx(ctx context.Context, s sqlx.Session, id int64, note string, at time.Time) (bool, error)
	}

	customPaymentsModel struct {
		*defaultPaymentsModel
	}
)

// NewPaymentsModel returns a model for the database table.
func NewPaymentsModel(conn sqlx.SqlConn, c cache.CacheConf, opts ...cache.Option) PaymentsModel {
	return &customPaymentsModel{
		defaultPaymentsModel: newPaymentsModel(conn, c, opts...),
	}
}

func (m *customPaymentsModel) FindOneByOrderSnFresh(ctx context.Context, orderSn string) (*Payments, error) {
	return m.findFresh(ctx, "order_sn", orderSn)
}

func (m *customPaymentsModel) FindOneBySnFresh(ctx context.Context, sn string) (*Payments, error) {
	return m.findFresh(ctx, "sn", sn)
}

func (m *customPaymentsModel) findFresh(ctx context.Context, column string, value any) (*Payments, error) {
	var p Payments
	q := fmt.Sprintf("select %s from %s where `%s` = ? limit 1", paymentsRows, m.table, column)
	if err := m.QueryRowNoCacheCtx(ctx, &p, q, value); err != nil {
		return nil, err
	}
	return &p, nil
}

func (m *customPaymentsModel) SucceedTx(ctx context.Context, s sqlx.Session, id int64, tradeNo string, paidAt time.Time) (bool, error) {
	q := fmt.Sprintf("update %s set `status` = ?, `trade_no` = ?, `paid_at` = ? where `id` = ? and `status` = ?", m.table)
	return affectedOne(s.ExecCtx(ctx, q, PaymentSucceeded, tradeNo, paidAt.UTC(), id, PaymentPending))
}

func (m *customPaymentsModel) RefundTx(ctx context.Context, s sqlx.Session, id int64, note string, at time.Time) (bool, error) {
	q := fmt.Sprintf("update %s set `status` = ?, `note` = ?, `refunded_at` = ? where `id` = ? and `status` = ?", m.table)
	return affectedOne(s.ExecCtx(ctx, q, PaymentRefunded, note, at.UTC(), id, PaymentSucceeded))
}
