package payments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Notes on refunds nobody asked for.
const (
	lateRefundNote    = "order was cancelled before the payment arrived; refunded automatically"
	expiredRefundNote = "payment arrived after it expired; refunded automatically"
)

// orderMessage is the payload of an outbox message to order-rpc.
type orderMessage struct {
	PaymentID int64  `json:"paymentId"`
	PaymentSn string `json:"paymentSn"`
	OrderSn   string `json:"orderSn"`
	PaidAt    int64  `json:"paidAt,omitempty"`
}

// queue adds msg on topic to the outbox in tx, so the order hears of the payment's change if and
// only if it commits; call queued once it has.
func (s *Service) queue(ctx context.Context, tx sqlx.Session, topic string, msg orderMessage) error {
	payload, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("encode %s message: %w", topic, err)
	}
	return s.outbox.AddTx(ctx, tx, msg.OrderSn, topic, string(payload))
}

// queued tells the relay that a committed change queued a message, so it runs at once instead of
// at its next tick.
func (s *Service) queued() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Delivery is how one relay works: it leases Batch messages at most for Lease under the name
// Owner (unique per process), and retries a failed delivery after a backoff that doubles from
// MinBackoff up to MaxBackoff, for ever. Lease must be well above the rpc timeout: a message whose
// lease ended is another relay's to deliver again.
type Delivery struct {
	Owner      string
	Lease      time.Duration
	Batch      int
	MinBackoff time.Duration
	MaxBackoff time.Duration
}

// DeliverDue leases due outbox messages, delivers them to order-rpc one by one with no
// transaction open, and records each outcome while the lease holds; it returns how many it
// leased. Only the oldest undelivered message of each order is due, so an order hears of its
// payment's changes in the order they happened, with one relay or many. A delivery that fails for
// a transient reason (order-rpc down, timeouts) is retried; one that order-rpc refuses for good is
// parked, and later messages of that order wait behind it until an operator replays it. Messages
// left when half the lease is spent are released for the next round.
func (s *Service) DeliverDue(ctx context.Context, d Delivery) int {
	logger := logx.WithContext(ctx)
	started := time.Now()
	rows, err := s.outbox.ClaimDue(ctx, d.Owner, d.Lease, d.Batch)
	if err != nil {
		logger.Errorf("outbox relay: %v", err)
		return 0
	}
	for i, row := range rows {
		if time.Since(started) > d.Lease/2 {
			rest := make([]int64, 0, len(rows)-i)
			for _, r := range rows[i:] {
				rest = append(rest, r.Id)
			}
			if err := s.outbox.Release(ctx, d.Owner, rest); err != nil {
				logger.Errorf("outbox relay: release %d leases: %v", len(rest), err)
			}
			break
		}
		s.deliverOne(ctx, d, row)
	}
	return len(rows)
}

// deliverOne delivers one leased message and records the outcome.
func (s *Service) deliverOne(ctx context.Context, d Delivery, row *model.Outbox) {
	logger := logx.WithContext(ctx)
	result, msg := s.deliver(ctx, row)
	var (
		held bool
		err  error
	)
	switch result.kind {
	case delivered:
		held, err = s.outbox.Delivered(ctx, row.Id, d.Owner)
		outboxEvents.WithLabelValues(eventDelivered).Inc()
	case lateRefund:
		held, err = s.refundCancelled(ctx, d, row, msg)
		outboxEvents.WithLabelValues(eventDelivered).Inc()
	case retry:
		after := backoff(d.MinBackoff, d.MaxBackoff, row.Attempts)
		logger.Infof("outbox %d (%s of order %s) not delivered, retry in %s: %v", row.Id, row.Topic, row.Aggregate, after, result.err)
		held, err = s.outbox.RetryLater(ctx, row.Id, d.Owner, after, result.err.Error())
		outboxEvents.WithLabelValues(eventRetried).Inc()
	case failed:
		logger.Errorf("outbox %d (%s of order %s) refused by order-rpc, parked: %v", row.Id, row.Topic, row.Aggregate, result.err)
		held, err = s.outbox.Park(ctx, row.Id, d.Owner, result.err.Error())
		outboxEvents.WithLabelValues(eventParked).Inc()
	}
	switch {
	case err != nil:
		// The lease ends on its own and the message is delivered again: order-rpc treats a
		// repeated message as a no-op.
		logger.Errorf("outbox %d: record outcome: %v", row.Id, err)
	case !held:
		logger.Infof("outbox %d: lease lost before the outcome was recorded; another relay delivers it", row.Id)
	}
}

// refundCancelled refunds a payment whose order was cancelled before the money arrived, turns the
// receipt of the trade that settled it from settled to refunded, and marks its message delivered,
// in one transaction; it reports whether the lease still held.
func (s *Service) refundCancelled(ctx context.Context, d Delivery, row *model.Outbox, msg orderMessage) (bool, error) {
	keys := s.payments.CacheKeys(&model.Payments{Id: msg.PaymentID, Sn: msg.PaymentSn, OrderSn: msg.OrderSn})
	now, note := time.Now(), lateRefundNote
	var refunded bool
	held, err := s.change(ctx, "payment.refunded-late", keys, func(ctx context.Context, tx sqlx.Session) (bool, error) {
		refunded = false // a run again after a lock race starts over
		held, err := s.outbox.DeliveredTx(ctx, tx, row.Id, d.Owner)
		if err != nil || !held {
			return false, err
		}
		moved, err := s.payments.MoveTx(ctx, tx, msg.PaymentID, refund.with(now, model.Move{Note: &note, RefundedAt: &now}))
		if err != nil || !moved {
			return true, err
		}
		refunded = true
		return true, s.receipts.RefundSettledTx(ctx, tx, msg.PaymentID, note)
	})
	if err != nil || !held {
		return held, err
	}
	if refunded {
		unsettledMoney.WithLabelValues(reasonCancelled).Inc()
		logx.WithContext(ctx).Errorf("late payment %s for cancelled order %s: refunded automatically", msg.PaymentSn, msg.OrderSn)
	}
	return true, nil
}

type outcomeKind int

const (
	delivered outcomeKind = iota
	lateRefund
	retry
	failed
)

type outcome struct {
	kind outcomeKind
	err  error
}

// deliver sends one message to order-rpc and classifies the answer.
func (s *Service) deliver(ctx context.Context, row *model.Outbox) (outcome, orderMessage) {
	var msg orderMessage
	if err := json.Unmarshal([]byte(row.Payload), &msg); err != nil {
		return outcome{failed, fmt.Errorf("bad payload: %w", err)}, msg
	}
	var err error
	switch row.Topic {
	case model.TopicOrderPaid:
		err = s.orders.MarkPaid(ctx, msg.OrderSn, msg.PaidAt)
	case model.TopicOrderRefunded:
		err = s.orders.MarkRefunded(ctx, msg.OrderSn)
	default:
		return outcome{failed, fmt.Errorf("unknown topic %q", row.Topic)}, msg
	}
	return classify(row.Topic, err), msg
}

// classify decides what a delivery's answer means for its message.
func classify(topic string, err error) outcome {
	if err == nil {
		return outcome{kind: delivered}
	}
	ce := xerr.FromError(err)
	switch {
	case topic == model.TopicOrderPaid && errors.Is(ce, xerr.ErrOrderCancelled):
		return outcome{lateRefund, err}
	case ce.HTTPStatus < 500:
		return outcome{failed, err}
	default:
		return outcome{retry, err}
	}
}

// PurgeDeliveredBefore deletes up to batch messages delivered before cutoff (a retention.Purge);
// pending and parked messages are never purged.
func (s *Service) PurgeDeliveredBefore(ctx context.Context, cutoff time.Time, batch int) (int64, error) {
	return s.outbox.PurgeDeliveredBefore(ctx, cutoff, batch)
}
