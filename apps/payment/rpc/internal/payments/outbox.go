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

// lateRefundNote explains a refund nobody asked for.
const lateRefundNote = "order was cancelled before the payment arrived; refunded automatically"

// orderMessage is the payload of an outbox message to order-rpc.
type orderMessage struct {
	PaymentID int64  `json:"paymentId"`
	PaymentSn string `json:"paymentSn"`
	OrderSn   string `json:"orderSn"`
	PaidAt    int64  `json:"paidAt,omitempty"`
}

// Delivery bounds one round of outbox delivery: Batch messages at most, and a failed delivery is
// retried after a backoff that doubles from MinBackoff up to MaxBackoff, for ever.
type Delivery struct {
	Batch      int
	MinBackoff time.Duration
	MaxBackoff time.Duration
}

// DeliverDue claims due outbox messages, delivers them to order-rpc and records each outcome,
// all in one transaction; it returns how many messages it claimed. A message is claimed with
// FOR UPDATE SKIP LOCKED, so two relays never work on the same one, and order-rpc treats a
// repeated message as a no-op anyway. A delivery that fails for a transient reason (order-rpc
// down, timeouts) is retried; one that order-rpc refuses for good is parked as failed and logged.
func (s *Service) DeliverDue(ctx context.Context, d Delivery) int {
	var (
		claimed int
		settled []orderMessage
		logger  = logx.WithContext(ctx)
	)
	err := s.db.TransactCtx(ctx, func(ctx context.Context, tx sqlx.Session) error {
		rows, err := s.outbox.ClaimDueTx(ctx, tx, d.Batch)
		if err != nil {
			return err
		}
		claimed = len(rows)
		for _, row := range rows {
			outcome, msg := s.deliver(ctx, row)
			switch outcome.kind {
			case delivered:
				err = s.outbox.DeliveredTx(ctx, tx, row.Id)
			case lateRefund:
				if _, err = s.payments.RefundTx(ctx, tx, msg.PaymentID, lateRefundNote, time.Now()); err == nil {
					settled = append(settled, msg)
					err = s.outbox.DeliveredTx(ctx, tx, row.Id)
					logger.Errorf("late payment %s for cancelled order %s: refunded automatically", msg.PaymentSn, msg.OrderSn)
				}
			case retry:
				after := backoff(d.MinBackoff, d.MaxBackoff, row.Attempts)
				logger.Infof("outbox %d (%s) not delivered, retry in %s: %v", row.Id, row.Topic, after, outcome.err)
				err = s.outbox.RetryLaterTx(ctx, tx, row.Id, after, outcome.err.Error())
			case failed:
				logger.Errorf("outbox %d (%s) refused by order-rpc, parked as failed: %v", row.Id, row.Topic, outcome.err)
				err = s.outbox.FailedTx(ctx, tx, row.Id, outcome.err.Error())
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		logger.Errorf("outbox relay: %v", err)
		return 0
	}
	for _, msg := range settled {
		if err := s.payments.Invalidate(ctx, &model.Payments{Id: msg.PaymentID, Sn: msg.PaymentSn, OrderSn: msg.OrderSn}); err != nil {
			logger.Errorf("invalidate payment %s: %v", msg.PaymentSn, err)
		}
	}
	return claimed
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
