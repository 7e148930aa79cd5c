package model

import (
	"context"
	"fmt"

	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// What became of money the provider reported received (payment_receipts.outcome).
const (
	ReceiptSettled  = "settled"  // it paid the order
	ReceiptRefunded = "refunded" // it could not, and was given back
)

var _ PaymentReceiptsModel = (*customPaymentReceiptsModel)(nil)

type (
	// PaymentReceiptsModel is an interface to be customized, add more methods here,
	// and implement the added methods in customPaymentReceiptsModel.
	PaymentReceiptsModel interface {
		paymentReceiptsModel
		// AddTx records r unless its trade is recorded already; it reports whether it did.
		AddTx(ctx context.Context, s sqlx.Session, r *PaymentReceipts) (bool, error)
		// RefundSettledTx records that the money which settled payment paymentID was given back
		// (the payment's refund transition, in the same tx), with note saying why.
		RefundSettledTx(ctx context.Context, s sqlx.Session, paymentID int64, note string) error
		// ListByPayment returns a payment's receipts, oldest first, from MySQL.
		ListByPayment(ctx context.Context, paymentID int64) ([]*PaymentReceipts, error)
	}

	customPaymentReceiptsModel struct {
		*defaultPaymentReceiptsModel
	}
)

// NewPaymentReceiptsModel returns a model for the database table.
func NewPaymentReceiptsModel(conn sqlx.SqlConn, c cache.CacheConf, opts ...cache.Option) PaymentReceiptsModel {
	return &customPaymentReceiptsModel{
		defaultPaymentReceiptsModel: newPaymentReceiptsModel(conn, c, opts...),
	}
}

func (m *customPaymentReceiptsModel) AddTx(ctx context.Context, s sqlx.Session, r *PaymentReceipts) (bool, error) {
	q := fmt.Sprintf("insert into %s (%s) values (?, ?, ?, ?, ?, ?) on duplicate key update `id` = `id`",
		m.table, paymentReceiptsRowsExpectAutoSet)
	added, err := store.AffectedOne(s.ExecCtx(ctx, q, r.PaymentId, r.TradeNo, r.Amount, r.PaidAt.UTC(), r.Outcome, store.Truncate(r.Note, 255)))
	if err != nil {
		return false, fmt.Errorf("record receipt of trade %s: %w", r.TradeNo, err)
	}
	return added, nil
}

func (m *customPaymentReceiptsModel) RefundSettledTx(ctx context.Context, s sqlx.Session, paymentID int64, note string) error {
	q := fmt.Sprintf("update %s set `outcome` = ?, `note` = ? where `payment_id` = ? and `outcome` = ?", m.table)
	if _, err := s.ExecCtx(ctx, q, ReceiptRefunded, store.Truncate(note, 255), paymentID, ReceiptSettled); err != nil {
		return fmt.Errorf("refund the settled receipt of payment %d: %w", paymentID, err)
	}
	return nil
}

func (m *customPaymentReceiptsModel) ListByPayment(ctx context.Context, paymentID int64) ([]*PaymentReceipts, error) {
	var list []*PaymentReceipts
	q := fmt.Sprintf("select %s from %s where `payment_id` = ? order by `id`", paymentReceiptsRows, m.table)
	if err := m.QueryRowsNoCacheCtx(ctx, &list, q, paymentID); err != nil {
		return nil, fmt.Errorf("list receipts of payment %d: %w", paymentID, err)
	}
	return list, nil
}
