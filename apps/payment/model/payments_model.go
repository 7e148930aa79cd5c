package model

import (
	"context"
	"fmt"
	"time"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Values of payments.status: pending → succeeded → refunded, pending → expired (→ pending again
// when reopened, → refunded when the money arrives late).
const (
	PaymentPending   = "pending"
	PaymentSucceeded = "succeeded"
	PaymentRefunded  = "refunded"
	PaymentExpired   = "expired"
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
		// SucceedTx moves a pending payment that has not expired by now to succeeded; false when it
		// was not pending or has expired.
		SucceedTx(ctx context.Context, s sqlx.Session, id int64, tradeNo string, paidAt, now time.Time) (bool, error)
		// RefundLateTx records money that arrived for a payment expired by now and gives it back at
		// once; false when the payment was neither pending nor expired, or had not expired.
		RefundLateTx(ctx context.Context, s sqlx.Session, id int64, tradeNo string, paidAt, now time.Time, note string) (bool, error)
		// FindExpired returns up to limit pending payments that expired by now.
		FindExpired(ctx context.Context, now time.Time, limit int) ([]*Payments, error)
		// InsertTx adds a payment inside a transaction.
		InsertTx(ctx context.Context, s sqlx.Session, p *Payments) error
		// ExpireTx marks a pending payment that expired by now expired; false when it was not.
		ExpireTx(ctx context.Context, s sqlx.Session, id int64, now time.Time) (bool, error)
		// ReopenTx gives an expired payment (or a pending one past its expiry) a new expiry; false
		// when it was neither.
		ReopenTx(ctx context.Context, s sqlx.Session, id int64, now, expiresAt time.Time) (bool, error)
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

// unexpired is true of a payment whose expiry (if any) is after the argument.
const unexpired = "(`expires_at` is null or `expires_at` > ?)"

func (m *customPaymentsModel) SucceedTx(ctx context.Context, s sqlx.Session, id int64, tradeNo string, paidAt, now time.Time) (bool, error) {
	q := fmt.Sprintf("update %s set `status` = ?, `trade_no` = ?, `paid_at` = ? where `id` = ? and `status` = ? and "+unexpired, m.table)
	return affectedOne(s.ExecCtx(ctx, q, PaymentSucceeded, tradeNo, paidAt.UTC(), id, PaymentPending, now.UTC()))
}

func (m *customPaymentsModel) RefundLateTx(ctx context.Context, s sqlx.Session, id int64, tradeNo string, paidAt, now time.Time, note string) (bool, error) {
	q := fmt.Sprintf("update %s set `status` = ?, `trade_no` = ?, `paid_at` = ?, `refunded_at` = ?, `note` = ?"+
		" where `id` = ? and `status` in (?, ?) and `expires_at` <= ?", m.table)
	return affectedOne(s.ExecCtx(ctx, q, PaymentRefunded, tradeNo, paidAt.UTC(), now.UTC(), note,
		id, PaymentPending, PaymentExpired, now.UTC()))
}

func (m *customPaymentsModel) FindExpired(ctx context.Context, now time.Time, limit int) ([]*Payments, error) {
	var list []*Payments
	q := fmt.Sprintf("select %s from %s where `status` = ? and `expires_at` <= ? order by `expires_at` limit ?", paymentsRows, m.table)
	if err := m.QueryRowsNoCacheCtx(ctx, &list, q, PaymentPending, now.UTC(), limit); err != nil {
		return nil, fmt.Errorf("find expired payments: %w", err)
	}
	return list, nil
}

func (m *customPaymentsModel) InsertTx(ctx context.Context, s sqlx.Session, p *Payments) error {
	q := fmt.Sprintf("insert into %s (%s) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", m.table, paymentsRowsExpectAutoSet)
	_, err := s.ExecCtx(ctx, q, p.Sn, p.OrderSn, p.UserId, p.Amount, p.Status, p.TradeNo, p.Note, p.PaidAt, p.RefundedAt, p.ExpiresAt)
	return err
}

func (m *customPaymentsModel) ExpireTx(ctx context.Context, s sqlx.Session, id int64, now time.Time) (bool, error) {
	q := fmt.Sprintf("update %s set `status` = ? where `id` = ? and `status` = ? and `expires_at` <= ?", m.table)
	return affectedOne(s.ExecCtx(ctx, q, PaymentExpired, id, PaymentPending, now.UTC()))
}

func (m *customPaymentsModel) ReopenTx(ctx context.Context, s sqlx.Session, id int64, now, expiresAt time.Time) (bool, error) {
	q := fmt.Sprintf("update %s set `status` = ?, `expires_at` = ? where `id` = ? and `status` in (?, ?) and `expires_at` <= ?", m.table)
	return affectedOne(s.ExecCtx(ctx, q, PaymentPending, expiresAt.UTC(), id, PaymentPending, PaymentExpired, now.UTC()))
}

func (m *customPaymentsModel) RefundTx(ctx context.Context, s sqlx.Session, id int64, note string, at time.Time) (bool, error) {
	q := fmt.Sprintf("update %s set `status` = ?, `note` = ?, `refunded_at` = ? where `id` = ? and `status` = ?", m.table)
	return affectedOne(s.ExecCtx(ctx, q, PaymentRefunded, note, at.UTC(), id, PaymentSucceeded))
}
