package model

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zeromall/pkg/store"

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
		// FindExpired returns up to limit pending payments that expired by now.
		FindExpired(ctx context.Context, now time.Time, limit int) ([]*Payments, error)
		// InsertTx adds a payment inside a transaction.
		InsertTx(ctx context.Context, s sqlx.Session, p *Payments) error
		// MoveTx changes one payment's status as mv says, if its status and expiry still allow it;
		// false when they did not.
		MoveTx(ctx context.Context, s sqlx.Session, id int64, mv Move) (bool, error)
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

// Expiry is what a move requires of the payment's expiry at its moment.
type Expiry uint8

const (
	AnyTime      Expiry = iota
	BeforeExpiry        // it has no expiry, or it is still ahead
	AfterExpiry         // its expiry has passed
)

// Move is a conditional update of a payment: its status becomes To if it is one of From and its
// expiry allows it At; the other fields are set too when not nil.
type Move struct {
	From   []string
	To     string
	Expiry Expiry
	At     time.Time

	TradeNo    *string
	Note       *string
	PaidAt     *time.Time
	RefundedAt *time.Time
	ExpiresAt  *time.Time
}

func (m *customPaymentsModel) MoveTx(ctx context.Context, s sqlx.Session, id int64, mv Move) (bool, error) {
	if len(mv.From) == 0 {
		return false, fmt.Errorf("move payment %d to %s: no status to move from", id, mv.To)
	}
	set, args := []string{"`status` = ?"}, []any{mv.To}
	for _, f := range []struct {
		column string
		value  any
		ok     bool
	}{
		{"trade_no", deref(mv.TradeNo), mv.TradeNo != nil},
		{"note", deref(mv.Note), mv.Note != nil},
		{"paid_at", utc(mv.PaidAt), mv.PaidAt != nil},
		{"refunded_at", utc(mv.RefundedAt), mv.RefundedAt != nil},
		{"expires_at", utc(mv.ExpiresAt), mv.ExpiresAt != nil},
	} {
		if f.ok {
			set, args = append(set, "`"+f.column+"` = ?"), append(args, f.value)
		}
	}
	where := "`id` = ? and `status` in (?" + strings.Repeat(", ?", len(mv.From)-1) + ")"
	args = append(args, id)
	for _, from := range mv.From {
		args = append(args, from)
	}
	switch mv.Expiry {
	case BeforeExpiry:
		where += " and (`expires_at` is null or `expires_at` > ?)"
		args = append(args, mv.At.UTC())
	case AfterExpiry:
		where += " and `expires_at` <= ?"
		args = append(args, mv.At.UTC())
	}
	q := fmt.Sprintf("update %s set %s where %s", m.table, strings.Join(set, ", "), where)
	return store.AffectedOne(s.ExecCtx(ctx, q, args...))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
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
