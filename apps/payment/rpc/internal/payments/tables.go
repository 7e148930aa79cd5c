package payments

import (
	"context"
	"time"

	"zeromall/apps/payment/model"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Tables is the storage payments need: goctl's models (apps/payment/model) implement each, and
// svc builds them. Rows stay in this package; callers see Payment and Receipt.
type Tables struct {
	Payments PaymentRows
	Receipts ReceiptRows
}

// PaymentRows is what payments reads and writes of the payments table.
type PaymentRows interface {
	FindOneBySn(ctx context.Context, sn string) (*model.Payments, error)
	FindOneBySnFresh(ctx context.Context, sn string) (*model.Payments, error)
	FindOneByOrderSn(ctx context.Context, orderSn string) (*model.Payments, error)
	FindOneByOrderSnFresh(ctx context.Context, orderSn string) (*model.Payments, error)
	FindExpired(ctx context.Context, now time.Time, limit int) ([]*model.Payments, error)
	InsertTx(ctx context.Context, s sqlx.Session, p *model.Payments) error
	MoveTx(ctx context.Context, s sqlx.Session, id int64, mv model.Move) (bool, error)
	CacheKeys(data *model.Payments) []string
}

// ReceiptRows is what payments reads and writes of the payment_receipts table.
type ReceiptRows interface {
	AddTx(ctx context.Context, s sqlx.Session, r *model.PaymentReceipts) (bool, error)
	RefundSettledTx(ctx context.Context, s sqlx.Session, paymentID int64, note string) error
	ListByPayment(ctx context.Context, paymentID int64) ([]*model.PaymentReceipts, error)
}

// Receipt is one sum the provider reported for a payment, and what became of it.
type Receipt struct {
	TradeNo string
	Amount  int64 // cents
	PaidAt  time.Time
	Outcome Outcome
	Note    string // why it was refunded
}

// Outcome is what became of a receipt's sum.
type Outcome uint8

const (
	ReceiptSettled  Outcome = iota + 1 // it paid the order
	ReceiptRefunded                    // it could not, and was given back
)

func toReceipt(r *model.PaymentReceipts) *Receipt {
	outcome := map[string]Outcome{model.ReceiptSettled: ReceiptSettled, model.ReceiptRefunded: ReceiptRefunded}[r.Outcome]
	return &Receipt{TradeNo: r.TradeNo, Amount: r.Amount, PaidAt: r.PaidAt, Outcome: outcome, Note: r.Note}
}
