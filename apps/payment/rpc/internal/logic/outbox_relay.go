package logic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/order/rpc/order_client"
	"zeromall/apps/payment/model"
	"zeromall/apps/payment/rpc/internal/svc"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
	"github.com/zeromicro/go-zero/core/threading"
)

// lateRefundNote explains a refund nobody asked for.
const lateRefundNote = "order was cancelled before the payment arrived; refunded automatically"

// OutboxRelay delivers outbox messages to order-rpc until it acknowledges each one. Every
// payment-rpc instance runs one; a message is claimed with FOR UPDATE SKIP LOCKED inside the
// delivery transaction, so two relays never work on the same message, and order-rpc treats a
// repeated message as a no-op anyway. A delivery that fails for a transient reason (order-rpc
// down, timeouts) is retried with exponential backoff for ever; one that order-rpc refuses for
// good is parked as failed and logged.
type OutboxRelay struct {
	svcCtx *svc.ServiceContext
	stop   chan struct{}
	done   chan struct{}
}

// StartOutboxRelay starts the delivery loop; Stop ends it.
func StartOutboxRelay(svcCtx *svc.ServiceContext) *OutboxRelay {
	r := &OutboxRelay{svcCtx: svcCtx, stop: make(chan struct{}), done: make(chan struct{})}
	threading.GoSafe(r.loop)
	return r
}

// Stop ends the loop after the batch in flight.
func (r *OutboxRelay) Stop() {
	close(r.stop)
	<-r.done
}

func (r *OutboxRelay) loop() {
	defer close(r.done)
	ticker := time.NewTicker(r.svcCtx.Config.Relay.Interval)
	defer ticker.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-ticker.C:
		case <-r.svcCtx.OutboxKick:
		}
		// Drain: keep going while full batches come back.
		for r.deliverBatch(context.Background()) == r.svcCtx.Config.Relay.Batch {
			select {
			case <-r.stop:
				return
			default:
			}
		}
	}
}

// deliverBatch claims due messages, delivers them and records each outcome, all in one
// transaction; it returns how many messages it claimed.
func (r *OutboxRelay) deliverBatch(ctx context.Context) int {
	var (
		claimed  int
		settled  []orderMessage
		logger   = logx.WithContext(ctx)
		relayCfg = r.svcCtx.Config.Relay
	)
	err := r.svcCtx.Outbox.Transact(ctx, func(ctx context.Context, s sqlx.Session) error {
		rows, err := r.svcCtx.Outbox.ClaimDueTx(ctx, s, relayCfg.Batch)
		if err != nil {
			return err
		}
		claimed = len(rows)
		for _, row := range rows {
			outcome, msg := r.deliver(ctx, row)
			switch outcome.kind {
			case delivered:
				err = r.svcCtx.Outbox.DeliveredTx(ctx, s, row.Id)
			case lateRefund:
				if _, err = r.svcCtx.Payments.RefundTx(ctx, s, msg.PaymentID, lateRefundNote, time.Now()); err == nil {
					settled = append(settled, msg)
					err = r.svcCtx.Outbox.DeliveredTx(ctx, s, row.Id)
					logger.Errorf("late payment %s for cancelled order %s: refunded automatically", msg.PaymentSn, msg.OrderSn)
				}
			case retry:
				after := backoff(relayCfg.MinBackoff, relayCfg.MaxBackoff, row.Attempts)
				logger.Infof("outbox %d (%s) not delivered, retry in %s: %v", row.Id, row.Topic, after, outcome.err)
				err = r.svcCtx.Outbox.RetryLaterTx(ctx, s, row.Id, after, outcome.err.Error())
			case failed:
				logger.Errorf("outbox %d (%s) refused by order-rpc, parked as failed: %v", row.Id, row.Topic, outcome.err)
				err = r.svcCtx.Outbox.FailedTx(ctx, s, row.Id, outcome.err.Error())
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
		if err := r.svcCtx.Payments.Invalidate(ctx, &model.Payments{Id: msg.PaymentID, Sn: msg.PaymentSn, OrderSn: msg.OrderSn}); err != nil {
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
func (r *OutboxRelay) deliver(ctx context.Context, row *model.Outbox) (outcome, orderMessage) {
	var msg orderMessage
	if err := json.Unmarshal([]byte(row.Payload), &msg); err != nil {
		return outcome{failed, fmt.Errorf("bad payload: %w", err)}, msg
	}
	var err error
	switch row.Topic {
	case model.TopicOrderPaid:
		_, err = r.svcCtx.OrderRpc.MarkPaid(ctx, &order_client.MarkPaidReq{Sn: msg.OrderSn, PaidAt: msg.PaidAt})
	case model.TopicOrderRefunded:
		_, err = r.svcCtx.OrderRpc.MarkRefunded(ctx, &order_client.MarkRefundedReq{Sn: msg.OrderSn})
	default:
		return outcome{failed, fmt.Errorf("unknown topic %q", row.Topic)}, msg
	}
	if err == nil {
		return outcome{kind: delivered}, msg
	}
	ce := xerr.FromError(err)
	switch {
	case row.Topic == model.TopicOrderPaid && errors.Is(ce, xerr.ErrOrderCancelled):
		return outcome{lateRefund, err}, msg
	case ce.HTTPStatus < 500:
		return outcome{failed, err}, msg
	default:
		return outcome{retry, err}, msg
	}
}

// backoff doubles from min with each attempt, up to max.
func backoff(min, max time.Duration, attempts int64) time.Duration {
	d := min
	for i := int64(0); i < attempts && d < max; i++ {
		d *= 2
	}
	if d > max {
		return max
	}
	return d
}
