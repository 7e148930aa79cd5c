package orders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/order/model"
	"zeromall/pkg/events"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// producer names order-rpc in its events' ids; PaymentsConsumer is its durable consumer of
// payment events.
const (
	producer         = "order"
	PaymentsConsumer = "order-rpc-payments"
)

// errNotYet asks for a payment event to come again, for as long as it takes (events.NotYet): the
// order is not yet where the event applies (a refund whose payment's success has not been applied
// yet).
var errNotYet = events.NotYet(errors.New("the order has not reached the state this event follows"))

// changed is the event of order cur moving to `to` at `at` (kind: the stock ledger's word for
// a restock; items: the order's lines, read for restocks and for order.paid).
func (s *Service) changed(ctx context.Context, cur *model.Orders, to Status, kind string, at time.Time,
	items []*model.OrderItems) *events.Event {
	switch to {
	case Paid:
		ev := events.New(ctx, producer, events.SubjectOrderPaid, cur.Sn, events.VersionSettled)
		ev.Body = &events.Event_OrderPaid{OrderPaid: &events.OrderPaid{
			OrderSn: cur.Sn, UserId: cur.UserId, TotalAmount: cur.TotalAmount, PaidAt: at.UnixMilli(), Items: lines(items),
		}}
		return ev
	case Cancelled:
		reason := "buyer"
		if kind == model.StockAutoCancel {
			reason = "unpaid"
		}
		ev := events.New(ctx, producer, events.SubjectOrderCancelled, cur.Sn, events.VersionSettled)
		ev.Body = &events.Event_OrderCancelled{OrderCancelled: &events.OrderCancelled{OrderSn: cur.Sn, UserId: cur.UserId, Reason: reason}}
		return ev
	default: // Refunded: the state machine allows no other move
		ev := events.New(ctx, producer, events.SubjectOrderRefunded, cur.Sn, events.VersionClosed)
		ev.Body = &events.Event_OrderRefunded{OrderRefunded: &events.OrderRefunded{OrderSn: cur.Sn, UserId: cur.UserId, Items: lines(items)}}
		return ev
	}
}

// created is the event of order o placed.
func created(ctx context.Context, o *Order) *events.Event {
	ev := events.New(ctx, producer, events.SubjectOrderCreated, o.Sn, events.VersionCreated)
	body := &events.OrderCreated{OrderSn: o.Sn, UserId: o.UserID, TotalAmount: o.TotalAmount}
	for _, it := range o.Items {
		body.Items = append(body.Items, &events.OrderLine{ProductId: it.ProductID, Quantity: it.Quantity, UnitPrice: it.Price})
	}
	ev.Body = &events.Event_OrderCreated{OrderCreated: body}
	return ev
}

func lines(items []*model.OrderItems) []*events.OrderLine {
	out := make([]*events.OrderLine, len(items))
	for i, it := range items {
		out[i] = &events.OrderLine{ProductId: it.ProductId, Quantity: it.Quantity, UnitPrice: it.Price}
	}
	return out
}

// HandlePaymentEvent applies a payment event, once (the inbox):
//   - payment.succeeded makes the pending order paid. Paid already is a success. A cancelled
//     order cannot be paid: order.payment_rejected is published, and payment-rpc refunds.
//   - payment.refunded makes the paid order refunded and restocks it. Refunded or cancelled
//     already is a success; a pending order comes again later (its payment's success is behind).
func (s *Service) HandlePaymentEvent(ctx context.Context, ev *events.Event) error {
	switch body := ev.GetBody().(type) {
	case *events.Event_PaymentSucceeded:
		return s.applyPaid(ctx, ev, body.PaymentSucceeded)
	case *events.Event_PaymentRefunded:
		return s.applyRefunded(ctx, ev, body.PaymentRefunded.GetOrderSn())
	default:
		return nil // not an event this consumer acts on
	}
}

func (s *Service) applyPaid(ctx context.Context, ev *events.Event, paid *events.PaymentSucceeded) error {
	o, err := s.eventOrder(ctx, paid.GetOrderSn())
	if err != nil {
		return err
	}
	_, err = s.move(ctx, o, Paid, "", time.UnixMilli(paid.GetPaidAt()), ev)
	if !errors.Is(err, xerr.ErrOrderCancelled) {
		return err
	}
	// The order was cancelled before the money arrived: the payment is given back.
	err = s.transact(ctx, func(ctx context.Context, tx sqlx.Session) error {
		first, err := s.events.Inbox.FirstTx(ctx, tx, PaymentsConsumer, ev.GetId())
		if err != nil || !first {
			return err
		}
		rejected := events.New(ctx, producer, events.SubjectOrderPaymentRejected, o.Sn, events.VersionSettled)
		rejected.Body = &events.Event_OrderPaymentRejected{OrderPaymentRejected: &events.OrderPaymentRejected{
			OrderSn: o.Sn, PaymentSn: paid.GetPaymentSn(),
		}}
		return s.events.Outbox.AddTx(ctx, tx, rejected)
	})
	if err != nil {
		return fmt.Errorf("reject payment %s of cancelled order %s: %w", paid.GetPaymentSn(), o.Sn, err)
	}
	s.events.Queued()
	return nil
}

func (s *Service) applyRefunded(ctx context.Context, ev *events.Event, sn string) error {
	o, err := s.eventOrder(ctx, sn)
	if err != nil {
		return err
	}
	_, err = s.move(ctx, o, Refunded, model.StockRefund, time.Now(), ev)
	if errors.Is(err, xerr.ErrIllegalTransition) {
		switch o.Status {
		case Cancelled.String():
			return nil // closed and restocked already
		case Pending.String():
			return errNotYet
		}
	}
	return err
}

// eventOrder reads the order an event names; an order that does not exist never will.
func (s *Service) eventOrder(ctx context.Context, sn string) (*model.Orders, error) {
	o, err := s.find(ctx, sn, 0)
	if errors.Is(err, xerr.ErrOrderNotFound) {
		return nil, events.Permanent(fmt.Errorf("order %s: %w", sn, err))
	}
	return o, err
}
