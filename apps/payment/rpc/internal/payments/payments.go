// Package payments is payment-rpc's domain: payments, their state machine (pending → succeeded →
// refunded) and the outbox that carries each change to order-rpc. Every rule and transaction of
// the service lives here; the goctl logic files only decode, call a Service method and map.
package payments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/pkg/dberr"
	"zeromall/pkg/ids"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Service owns the payment database and talks to order-rpc.
type Service struct {
	db       sqlx.SqlConn
	payments model.PaymentsModel
	outbox   model.OutboxModel
	orders   Orders
	kick     chan struct{}
}

// New builds the service on one MySQL connection, order-rpc and the cache configuration of its
// models.
func New(db sqlx.SqlConn, orders Orders, c cache.CacheConf, opts ...cache.Option) *Service {
	return &Service{
		db:       db,
		payments: model.NewPaymentsModel(db, c, opts...),
		outbox:   model.NewOutboxModel(db, c, opts...),
		orders:   orders,
		kick:     make(chan struct{}, 1),
	}
}

// Queued is signalled when a message was added to the outbox, so the relay can run at once
// instead of at its next tick.
func (s *Service) Queued() <-chan struct{} {
	return s.kick
}

// Create opens the payment of a pending order of payer; one payment per order, so a second call
// returns the same payment.
func (s *Service) Create(ctx context.Context, payer int64, orderSn string) (*model.Payments, error) {
	if err := xerr.CheckUserID(payer); err != nil {
		return nil, err
	}
	if !ids.ValidSN(orderSn) {
		return nil, xerr.ErrOrderNotFound
	}
	// Ownership and the amount come from order-rpc: another user's order is NotFound there.
	o, err := s.orders.Get(ctx, payer, orderSn)
	if err != nil {
		return nil, err
	}
	if !o.Pending {
		return nil, xerr.ErrOrderNotPayable.WithMsgf("order is %s, not pending", o.Status)
	}

	existing, err := s.payments.FindOneByOrderSn(ctx, orderSn)
	switch {
	case err == nil:
		return existing, nil
	case !errors.Is(err, model.ErrNotFound):
		return nil, fmt.Errorf("find payment of order %s: %w", orderSn, err)
	}
	_, err = s.payments.Insert(ctx, &model.Payments{
		Sn:      ids.NewSN(time.Now()),
		OrderSn: o.Sn,
		UserId:  o.UserID,
		Amount:  o.Amount,
		Status:  model.PaymentPending,
	})
	if err != nil && !dberr.IsDuplicateOf(err, "uk_order_sn") {
		return nil, fmt.Errorf("insert payment of order %s: %w", orderSn, err)
	}
	// Ours, or the one a concurrent call inserted first: one payment per order either way.
	p, err := s.payments.FindOneByOrderSnFresh(ctx, orderSn)
	if err != nil {
		return nil, fmt.Errorf("read payment of order %s: %w", orderSn, err)
	}
	return p, nil
}

// Get reads a payment of owner (required); anyone else's is ErrPaymentNotFound.
func (s *Service) Get(ctx context.Context, owner int64, sn string) (*model.Payments, error) {
	if err := xerr.CheckUserID(owner); err != nil {
		return nil, err
	}
	return s.find(ctx, sn, owner)
}

// HandleCallback applies a provider notification: a pending payment succeeds and the order hears
// of it through the outbox. The same notification again is a success that changes nothing; a
// different trade for a settled payment is ErrPaymentSettled.
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
	if p.Status == model.PaymentPending {
		msg := orderMessage{PaymentID: p.Id, PaymentSn: p.Sn, OrderSn: p.OrderSn, PaidAt: in.PaidAt}
		_, err := s.settle(ctx, p, model.TopicOrderPaid, msg, func(ctx context.Context, tx sqlx.Session) (bool, error) {
			return s.payments.SucceedTx(ctx, tx, p.Id, in.TradeNo, time.Unix(in.PaidAt, 0).UTC())
		})
		if err != nil {
			return err
		}
	}
	if p.TradeNo != in.TradeNo {
		logx.WithContext(ctx).Errorf("callback for settled payment %s with trade %s, recorded %s: rejected", p.Sn, in.TradeNo, p.TradeNo)
		return xerr.ErrPaymentSettled
	}
	return nil
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
	refunded, err := s.settle(ctx, p, model.TopicOrderRefunded, msg, func(ctx context.Context, tx sqlx.Session) (bool, error) {
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
// together or not at all. It reports whether this call made the change; p is reloaded either way.
func (s *Service) settle(ctx context.Context, p *model.Payments, topic string, msg orderMessage,
	change func(ctx context.Context, tx sqlx.Session) (bool, error)) (bool, error) {
	payload, err := json.Marshal(msg)
	if err != nil {
		return false, fmt.Errorf("encode %s message: %w", topic, err)
	}
	var changed bool
	err = s.db.TransactCtx(ctx, func(ctx context.Context, tx sqlx.Session) error {
		ok, err := change(ctx, tx)
		if err != nil || !ok {
			return err
		}
		changed = true
		return s.outbox.AddTx(ctx, tx, topic, string(payload))
	})
	if err != nil {
		return false, err
	}
	if changed {
		if err := s.payments.Invalidate(ctx, p); err != nil {
			logx.WithContext(ctx).Errorf("invalidate payment %s: %v", p.Sn, err)
		}
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
	fresh, err := s.payments.FindOneBySnFresh(ctx, p.Sn)
	if err != nil {
		return false, fmt.Errorf("reload payment %s: %w", p.Sn, err)
	}
	*p = *fresh
	return changed, nil
}
