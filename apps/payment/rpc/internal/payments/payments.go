// Package payments is payment-rpc's domain: payments, their state machine (pending → succeeded →
// refunded) and the events that announce each change (payment.succeeded, payment.refunded),
// written to the outbox in the change's transaction and published to JetStream by its relay. Every rule and transaction of
// the service lives here; the goctl logic files only decode, call a Service method and map.
package payments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/pkg/events"
	"zeromall/pkg/ids"
	"zeromall/pkg/store"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Timing is how long a payment may take: a pending payment expires ExpireAfter after it was
// opened (or reopened), and its order is held from auto-cancel SettleGrace longer, for the news of
// a payment that succeeded at the last moment to reach order-rpc.
type Timing struct {
	ExpireAfter time.Duration
	SettleGrace time.Duration
}

// Service owns the payment database and talks to order-rpc.
type Service struct {
	db       sqlx.SqlConn
	journal  *store.Journal
	payments PaymentRows
	receipts ReceiptRows
	events   events.Kit
	orders   Orders
	timing   Timing
	newSN    func(time.Time) string
}

// New builds the service on one MySQL connection (its transactions) and its tables, order-rpc,
// the journal its transactions record stale cache keys in, and its events.
func New(db sqlx.SqlConn, t Tables, orders Orders, timing Timing, journal *store.Journal, ev events.Kit) *Service {
	return &Service{
		db:       db,
		journal:  journal,
		payments: t.Payments,
		receipts: t.Receipts,
		events:   ev,
		orders:   orders,
		timing:   timing,
		newSN:    ids.NewSN,
	}
}

// Create opens the payment of a pending order of payer; one payment per order, so a second call
// returns the same payment, and one that expired is reopened. Opening it holds the order from
// auto-cancel until the payment can no longer succeed.
func (s *Service) Create(ctx context.Context, payer int64, orderSn string) (*Payment, error) {
	if err := xerr.CheckUserID(payer); err != nil {
		return nil, err
	}
	if !ids.ValidSN(orderSn) {
		return nil, xerr.ErrOrderNotFound
	}
	existing, err := s.payments.FindOneByOrderSn(ctx, orderSn)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return nil, fmt.Errorf("find payment of order %s: %w", orderSn, err)
	}
	now := time.Now()
	expiresAt := now.Add(s.timing.ExpireAfter)
	if existing != nil && existing.Status == model.PaymentPending && existing.ExpiresAt.Valid && existing.ExpiresAt.Time.After(now) {
		expiresAt = existing.ExpiresAt.Time
	}
	// Ownership, the pending status and the amount come from order-rpc, which also holds the order
	// from auto-cancel: another user's order is NotFound there, a settled one not payable.
	o, err := s.orders.Hold(ctx, payer, orderSn, expiresAt.Add(s.timing.SettleGrace))
	if err != nil {
		return nil, err
	}
	if existing != nil {
		if err := s.reopenIfExpired(ctx, existing, now, expiresAt); err != nil {
			return nil, err
		}
		return toPayment(existing)
	}
	if err := s.insert(ctx, o, expiresAt); err != nil {
		return nil, err
	}
	// Ours, or the one a concurrent call inserted first: one payment per order either way.
	p, err := s.payments.FindOneByOrderSnFresh(ctx, orderSn)
	if err != nil {
		return nil, fmt.Errorf("read payment of order %s: %w", orderSn, err)
	}
	return toPayment(p)
}

// insert writes a new pending payment of order o; a payment number that is already taken (a
// one-in-10^10 collision within a second) is drawn again.
func (s *Service) insert(ctx context.Context, o Order, expiresAt time.Time) error {
	const attempts = 3
	var err error
	for range attempts {
		p := &model.Payments{
			Sn:        s.newSN(time.Now()),
			OrderSn:   o.Sn,
			UserId:    o.UserID,
			Amount:    o.Amount,
			Status:    model.PaymentPending,
			ExpiresAt: sql.NullTime{Time: expiresAt.UTC(), Valid: true},
		}
		// Create's lookup may have cached "no payment for this order".
		_, err = s.change(ctx, "payment.created", s.payments.CacheKeys(p), func(ctx context.Context, tx sqlx.Session) (bool, error) {
			return true, s.payments.InsertTx(ctx, tx, p)
		})
		switch {
		case err == nil, store.IsDuplicateOf(err, "uk_order_sn"):
			return nil
		case !store.IsDuplicateOf(err, "uk_sn"):
			return fmt.Errorf("insert payment of order %s: %w", o.Sn, err)
		}
	}
	return fmt.Errorf("insert payment of order %s: %d payment numbers taken: %w", o.Sn, attempts, err)
}

// reopenIfExpired gives an expired payment of a still pending order a new expiry; any other
// payment is left as it is. p is reloaded if it changed.
func (s *Service) reopenIfExpired(ctx context.Context, p *model.Payments, now, expiresAt time.Time) error {
	expired := status(p) == Expired || (status(p) == Pending && p.ExpiresAt.Valid && !p.ExpiresAt.Time.After(now))
	if !expired {
		return nil
	}
	_, err := s.move(ctx, p, reopen, now, model.Move{ExpiresAt: &expiresAt}, "payment.reopened", nil)
	return err
}

// Get reads a payment of owner (required); anyone else's is ErrPaymentNotFound.
func (s *Service) Get(ctx context.Context, owner int64, sn string) (*Payment, error) {
	if err := xerr.CheckUserID(owner); err != nil {
		return nil, err
	}
	p, err := s.find(ctx, sn, owner)
	if err != nil {
		return nil, err
	}
	return toPayment(p)
}

// Refund refunds a succeeded payment of owner; the order follows through payment.refunded.
func (s *Service) Refund(ctx context.Context, owner int64, sn string) (*Payment, error) {
	if err := xerr.CheckUserID(owner); err != nil {
		return nil, err
	}
	p, err := s.find(ctx, sn, owner)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	note := "refunded at the owner's request"
	refunded, err := s.move(ctx, p, refund, now, model.Move{Note: &note, RefundedAt: &now}, "payment.refunded",
		func(ctx context.Context, tx sqlx.Session) error {
			return s.queue(ctx, tx, refunded(ctx, p))
		})
	if err != nil {
		return nil, err
	}
	if refunded {
		s.queued()
	}
	if !refunded {
		return nil, xerr.ErrPaymentNotRefundable.WithMsgf("payment is %s; only a succeeded payment can be refunded", p.Status)
	}
	return toPayment(p)
}

// find reads a payment by number; owner > 0 restricts it to that user's payments, and anyone
// else's is reported as not found.
func (s *Service) find(ctx context.Context, sn string, owner int64) (*model.Payments, error) {
	if !ids.ValidSN(sn) {
		return nil, xerr.ErrPaymentNotFound
	}
	p, err := s.payments.FindOneBySn(ctx, sn)
	if errors.Is(err, model.ErrNotFound) {
		return nil, xerr.ErrPaymentNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find payment %s: %w", sn, err)
	}
	if owner > 0 && p.UserId != owner {
		return nil, xerr.ErrPaymentNotFound
	}
	return p, nil
}
