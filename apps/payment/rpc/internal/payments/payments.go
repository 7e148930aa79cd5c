// Package payments is payment-rpc's domain: payments, their state machine (pending → succeeded →
// refunded) and the outbox that carries each change to order-rpc. Every rule and transaction of
// the service lives here; the goctl logic files only decode, call a Service method and map.
package payments

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/pkg/dberr"
	"zeromall/pkg/ids"
	"zeromall/pkg/invalidation"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/cache"
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
	journal  *invalidation.Journal
	payments model.PaymentsModel
	receipts model.PaymentReceiptsModel
	outbox   model.OutboxModel
	orders   Orders
	timing   Timing
	kick     chan struct{}
	newSN    func(time.Time) string
}

// New builds the service on one MySQL connection, order-rpc, the journal its transactions record
// stale cache keys in and the cache configuration of its models.
func New(db sqlx.SqlConn, orders Orders, timing Timing, journal *invalidation.Journal, c cache.CacheConf, opts ...cache.Option) *Service {
	return &Service{
		db:       db,
		journal:  journal,
		payments: model.NewPaymentsModel(db, c, opts...),
		receipts: model.NewPaymentReceiptsModel(db, c, opts...),
		outbox:   model.NewOutboxModel(db, c, opts...),
		orders:   orders,
		timing:   timing,
		kick:     make(chan struct{}, 1),
		newSN:    ids.NewSN,
	}
}

// Queued is signalled when a message was added to the outbox, so the relay can run at once
// instead of at its next tick.
func (s *Service) Queued() <-chan struct{} {
	return s.kick
}

// Create opens the payment of a pending order of payer; one payment per order, so a second call
// returns the same payment, and one that expired is reopened. Opening it holds the order from
// auto-cancel until the payment can no longer succeed.
func (s *Service) Create(ctx context.Context, payer int64, orderSn string) (*model.Payments, error) {
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
		return s.reopenIfExpired(ctx, existing, now, expiresAt)
	}
	if err := s.insert(ctx, o, expiresAt); err != nil {
		return nil, err
	}
	// Ours, or the one a concurrent call inserted first: one payment per order either way.
	p, err := s.payments.FindOneByOrderSnFresh(ctx, orderSn)
	if err != nil {
		return nil, fmt.Errorf("read payment of order %s: %w", orderSn, err)
	}
	return p, nil
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
		case err == nil, dberr.IsDuplicateOf(err, "uk_order_sn"):
			return nil
		case !dberr.IsDuplicateOf(err, "uk_sn"):
			return fmt.Errorf("insert payment of order %s: %w", o.Sn, err)
		}
	}
	return fmt.Errorf("insert payment of order %s: %d payment numbers taken: %w", o.Sn, attempts, err)
}

// reopenIfExpired gives an expired payment of a still pending order a new expiry; any other
// payment is returned as it is.
func (s *Service) reopenIfExpired(ctx context.Context, p *model.Payments, now, expiresAt time.Time) (*model.Payments, error) {
	expired := p.Status == model.PaymentExpired ||
		(p.Status == model.PaymentPending && p.ExpiresAt.Valid && !p.ExpiresAt.Time.After(now))
	if !expired {
		return p, nil
	}
	_, err := s.change(ctx, "payment.reopened", s.payments.CacheKeys(p), func(ctx context.Context, tx sqlx.Session) (bool, error) {
		return s.payments.ReopenTx(ctx, tx, p.Id, now, expiresAt)
	})
	if err != nil {
		return nil, fmt.Errorf("reopen payment %s: %w", p.Sn, err)
	}
	return s.reload(ctx, p)
}

// reload reads p again from MySQL.
func (s *Service) reload(ctx context.Context, p *model.Payments) (*model.Payments, error) {
	fresh, err := s.payments.FindOneBySnFresh(ctx, p.Sn)
	if err != nil {
		return nil, fmt.Errorf("reload payment %s: %w", p.Sn, err)
	}
	return fresh, nil
}

// Get reads a payment of owner (required); anyone else's is ErrPaymentNotFound.
func (s *Service) Get(ctx context.Context, owner int64, sn string) (*model.Payments, error) {
	if err := xerr.CheckUserID(owner); err != nil {
		return nil, err
	}
	return s.find(ctx, sn, owner)
}

// HandleCallback applies a provider notification of money received, and records it (a receipt per
// trade): money for a pending payment settles it, and the order hears of it through the outbox;
// money that can no longer settle the payment (it expired, or another trade settled it) is
// refunded at once. The same notification again is a success that changes nothing.
func (s *Service) HandleCallback(ctx context.Context, in Callback) error {
	if err := checkCallback(in); err != nil {
		return err
	}
	p, err := s.find(ctx, in.PaymentSn, 0)
	if err != nil {
		return err
	}
	if in.Amount != p.Amount {
		logx.WithContext(ctx).Errorf("callback for payment %s with amount %d, expected %d: rejected", p.Sn, in.Amount, p.Amount)
		return xerr.ErrAmountMismatch
	}
	now := time.Now()
	receipt := &model.PaymentReceipts{PaymentId: p.Id, TradeNo: in.TradeNo, Amount: in.Amount, PaidAt: time.Unix(in.PaidAt, 0).UTC()}
	if p.Status == model.PaymentPending {
		if err := s.succeed(ctx, p, receipt, now); err != nil {
			return err
		}
	}
	if p.Status == model.PaymentPending || p.Status == model.PaymentExpired {
		// Still not succeeded: it expired, and the order may be cancelled by now.
		if err := s.refundLate(ctx, p, receipt, now); err != nil {
			return err
		}
	}
	if p.TradeNo == in.TradeNo {
		return nil // this trade settled the payment or was refunded as late, now or before
	}
	return s.refundSurplus(ctx, p, receipt)
}

// succeed settles pending payment p with receipt's money, unless it expired by now; p is
// reloaded.
func (s *Service) succeed(ctx context.Context, p *model.Payments, receipt *model.PaymentReceipts, now time.Time) error {
	msg := orderMessage{PaymentID: p.Id, PaymentSn: p.Sn, OrderSn: p.OrderSn, PaidAt: receipt.PaidAt.Unix()}
	receipt.Outcome = model.ReceiptSettled
	_, err := s.settle(ctx, p, "payment.paid", model.TopicOrderPaid, msg, func(ctx context.Context, tx sqlx.Session) (bool, error) {
		ok, err := s.payments.SucceedTx(ctx, tx, p.Id, receipt.TradeNo, receipt.PaidAt, now)
		if err != nil || !ok {
			return false, err
		}
		_, err = s.receipts.AddTx(ctx, tx, receipt)
		return true, err
	})
	return err
}

// Refund refunds a succeeded payment of owner; the order follows through the outbox.
func (s *Service) Refund(ctx context.Context, owner int64, sn string) (*model.Payments, error) {
	if err := xerr.CheckUserID(owner); err != nil {
		return nil, err
	}
	p, err := s.find(ctx, sn, owner)
	if err != nil {
		return nil, err
	}
	msg := orderMessage{PaymentID: p.Id, PaymentSn: p.Sn, OrderSn: p.OrderSn}
	refunded, err := s.settle(ctx, p, "payment.refunded", model.TopicOrderRefunded, msg, func(ctx context.Context, tx sqlx.Session) (bool, error) {
		return s.payments.RefundTx(ctx, tx, p.Id, "refunded at the owner's request", time.Now())
	})
	if err != nil {
		return nil, err
	}
	if !refunded {
		return nil, xerr.ErrPaymentNotRefundable.WithMsgf("payment is %s; only a succeeded payment can be refunded", p.Status)
	}
	return p, nil
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

// settle moves payment p to its next status with change (a conditional update) and queues msg on
// topic in the same transaction: the payment's new status and the order's news are committed
// together or not at all (point names the write, pkg/invalidation). It reports whether this call
// made the change; p is reloaded either way.
func (s *Service) settle(ctx context.Context, p *model.Payments, point, topic string, msg orderMessage,
	change func(ctx context.Context, tx sqlx.Session) (bool, error)) (bool, error) {
	payload, err := json.Marshal(msg)
	if err != nil {
		return false, fmt.Errorf("encode %s message: %w", topic, err)
	}
	changed, err := s.change(ctx, point, s.payments.CacheKeys(p), func(ctx context.Context, tx sqlx.Session) (bool, error) {
		ok, err := change(ctx, tx)
		if err != nil || !ok {
			return false, err
		}
		return true, s.outbox.AddTx(ctx, tx, p.OrderSn, topic, string(payload))
	})
	if err != nil {
		return false, err
	}
	if changed {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
	fresh, err := s.reload(context.WithoutCancel(ctx), p)
	if err != nil {
		return false, err
	}
	*p = *fresh
	return changed, nil
}

// refundLate records money that arrived for payment p after it expired and refunds it at once;
// p is reloaded.
func (s *Service) refundLate(ctx context.Context, p *model.Payments, receipt *model.PaymentReceipts, now time.Time) error {
	receipt.Outcome, receipt.Note = model.ReceiptRefunded, expiredRefundNote
	refunded, err := s.change(ctx, "payment.refunded-late", s.payments.CacheKeys(p), func(ctx context.Context, tx sqlx.Session) (bool, error) {
		ok, err := s.payments.RefundLateTx(ctx, tx, p.Id, receipt.TradeNo, receipt.PaidAt, now, expiredRefundNote)
		if err != nil || !ok {
			return false, err
		}
		_, err = s.receipts.AddTx(ctx, tx, receipt)
		return true, err
	})
	if err != nil {
		return fmt.Errorf("refund late payment %s: %w", p.Sn, err)
	}
	if refunded {
		unsettledMoney.WithLabelValues(reasonLate).Inc()
		logx.WithContext(ctx).Errorf("late payment %s for order %s arrived after it expired: refunded automatically", p.Sn, p.OrderSn)
	}
	fresh, err := s.reload(context.WithoutCancel(ctx), p)
	if err != nil {
		return err
	}
	*p = *fresh
	return nil
}

// refundSurplus records money for payment p, which another trade already settled (the buyer paid
// twice: a first attempt that succeeded late and a second in the reopened window), and refunds it.
func (s *Service) refundSurplus(ctx context.Context, p *model.Payments, receipt *model.PaymentReceipts) error {
	receipt.Outcome = model.ReceiptRefunded
	receipt.Note = fmt.Sprintf("payment already settled by trade %s; refunded automatically", p.TradeNo)
	var added bool
	err := s.db.TransactCtx(ctx, func(ctx context.Context, tx sqlx.Session) error {
		var err error
		added, err = s.receipts.AddTx(ctx, tx, receipt)
		return err
	})
	if err != nil {
		return fmt.Errorf("refund surplus money for payment %s: %w", p.Sn, err)
	}
	if added {
		unsettledMoney.WithLabelValues(reasonSurplus).Inc()
		logx.WithContext(ctx).Errorf("payment %s (settled by trade %s) received trade %s too: refunded automatically", p.Sn, p.TradeNo, receipt.TradeNo)
	}
	return nil
}

// Receipts lists every sum the provider reported for payment p, and what became of it.
func (s *Service) Receipts(ctx context.Context, p *model.Payments) ([]*model.PaymentReceipts, error) {
	return s.receipts.ListByPayment(ctx, p.Id)
}

// lockRaceRetries is how many times a payment transaction is run when it keeps losing lock races.
const lockRaceRetries = 3

// change is journal.Change, run again when its transaction lost a lock race (a deadlock, a lock
// wait timeout or a Galera certification conflict), as orders' transactions are.
func (s *Service) change(ctx context.Context, point string, keys []string,
	fn func(ctx context.Context, tx sqlx.Session) (bool, error)) (bool, error) {
	var changed bool
	err := dberr.RetryLockRaces(ctx, lockRaceRetries, func() error {
		var err error
		changed, err = s.journal.Change(ctx, point, keys, fn)
		return err
	})
	return changed, err
}
