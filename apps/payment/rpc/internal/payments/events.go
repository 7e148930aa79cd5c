package payments

import (
	"context"
	"errors"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/pkg/events"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Notes on refunds nobody asked for.
const (
	lateRefundNote    = "order was cancelled before the payment arrived; refunded automatically"
	expiredRefundNote = "payment arrived after it expired; refunded automatically"
)

// producer names payment-rpc in its events' ids; ConsumerName is its durable consumer of order
// events.
const (
	producer     = "payment"
	ConsumerName = "payment-rpc-orders"
)

// succeeded is the event of payment p settling with money paid at paidAt.
func succeeded(ctx context.Context, p *model.Payments, paidAt time.Time) *events.Event {
	ev := events.New(ctx, producer, events.SubjectPaymentSucceeded, p.OrderSn, events.VersionSettled)
	ev.Body = &events.Event_PaymentSucceeded{PaymentSucceeded: &events.PaymentSucceeded{
		PaymentId: p.Id, PaymentSn: p.Sn, OrderSn: p.OrderSn, Amount: p.Amount, PaidAt: paidAt.UnixMilli(),
	}}
	return ev
}

// refunded is the event of payment p's money given back.
func refunded(ctx context.Context, p *model.Payments) *events.Event {
	ev := events.New(ctx, producer, events.SubjectPaymentRefunded, p.OrderSn, events.VersionClosed)
	ev.Body = &events.Event_PaymentRefunded{PaymentRefunded: &events.PaymentRefunded{
		PaymentId: p.Id, PaymentSn: p.Sn, OrderSn: p.OrderSn, Amount: p.Amount,
	}}
	return ev
}

// queue adds ev to the outbox in tx, so it is published if and only if tx commits; call queued
// once it has.
func (s *Service) queue(ctx context.Context, tx sqlx.Session, ev *events.Event) error {
	return s.events.Outbox.AddTx(ctx, tx, ev)
}

// queued tells the relay that a committed change queued an event.
func (s *Service) queued() {
	s.events.Queued()
}

// HandleOrderEvent applies an order event payment-rpc consumes: order.payment_rejected, a
// payment that succeeded for an order cancelled before the money arrived, is refunded at once
// and its receipt turned from settled to refunded, in one transaction with the inbox record.
func (s *Service) HandleOrderEvent(ctx context.Context, ev *events.Event) error {
	rejected := ev.GetOrderPaymentRejected()
	if rejected == nil {
		return nil // not an event this consumer acts on
	}
	p, err := s.payments.FindOneBySnFresh(ctx, rejected.GetPaymentSn())
	if errors.Is(err, model.ErrNotFound) {
		return events.Permanent(err)
	}
	if err != nil {
		return err
	}
	now, note := time.Now(), lateRefundNote
	var moved bool
	_, err = s.change(ctx, "payment.refunded-late", s.payments.CacheKeys(p), func(ctx context.Context, tx sqlx.Session) (bool, error) {
		moved = false // a run again after a lock race starts over
		first, err := s.events.Inbox.FirstTx(ctx, tx, ConsumerName, ev.GetId())
		if err != nil || !first {
			return false, err
		}
		ok, err := s.payments.MoveTx(ctx, tx, p.Id, refund.with(now, model.Move{Note: &note, RefundedAt: &now}))
		if err != nil || !ok {
			return true, err
		}
		moved = true
		if err := s.receipts.RefundSettledTx(ctx, tx, p.Id, note); err != nil {
			return true, err
		}
		return true, s.queue(ctx, tx, refunded(ctx, p))
	})
	if err != nil {
		return err
	}
	if moved {
		s.queued()
		unsettledMoney.WithLabelValues(reasonCancelled).Inc()
		logx.WithContext(ctx).Errorf("late payment %s for cancelled order %s: refunded automatically", p.Sn, p.OrderSn)
	}
	return nil
}
