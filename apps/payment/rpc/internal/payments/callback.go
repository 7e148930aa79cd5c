// A provider's notification of money received, from its check to what becomes of the money: a
// settled payment (and, through the outbox, a paid order), or money given back.

package payments

import (
	"context"
	"fmt"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/pkg/dberr"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// HandleCallback applies a provider notification of money received for a payment, and records
// it (a receipt per trade). The same notification again is a success that changes nothing.
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

	// Money for an open payment settles it, and the order hears of it through the outbox.
	if status(p) == Pending {
		if err := s.settle(ctx, p, receipt, now); err != nil {
			return err
		}
	}
	// Money that came after the payment's time ran out is given back at once: the order may be
	// cancelled by now.
	if st := status(p); refundLate.allows(st) {
		if err := s.refundLate(ctx, p, receipt, now); err != nil {
			return err
		}
	}
	// This trade settled the payment or was given back, now or before: done.
	if p.TradeNo == in.TradeNo {
		return nil
	}
	// Another trade settled it (the buyer paid twice): this one's money is given back.
	return s.refundSurplus(ctx, p, receipt)
}

// status is p's status in the domain's terms. A word the domain does not know (written by hand in
// SQL) reads as 0, which no transition allows: the payment is left alone, and answers with it are
// refused by toPayment.
func status(p *model.Payments) Status {
	st, _ := statusOf(p.Status)
	return st
}

// settle settles pending payment p with receipt's money unless its time ran out by now, and
// queues the order's news in the same transaction; p is reloaded.
func (s *Service) settle(ctx context.Context, p *model.Payments, receipt *model.PaymentReceipts, now time.Time) error {
	msg := orderMessage{PaymentID: p.Id, PaymentSn: p.Sn, OrderSn: p.OrderSn, PaidAt: receipt.PaidAt.Unix()}
	receipt.Outcome = model.ReceiptSettled
	settled, err := s.move(ctx, p, settle, now, model.Move{TradeNo: &receipt.TradeNo, PaidAt: &receipt.PaidAt}, "payment.paid",
		func(ctx context.Context, tx sqlx.Session) error {
			if _, err := s.receipts.AddTx(ctx, tx, receipt); err != nil {
				return err
			}
			return s.queue(ctx, tx, model.TopicOrderPaid, msg)
		})
	if settled {
		s.queued()
	}
	return err
}

// refundLate records money that arrived for payment p after its time ran out and gives it back
// at once; p is reloaded.
func (s *Service) refundLate(ctx context.Context, p *model.Payments, receipt *model.PaymentReceipts, now time.Time) error {
	receipt.Outcome, receipt.Note = model.ReceiptRefunded, expiredRefundNote
	note := expiredRefundNote
	refunded, err := s.move(ctx, p, refundLate, now,
		model.Move{TradeNo: &receipt.TradeNo, PaidAt: &receipt.PaidAt, RefundedAt: &now, Note: &note}, "payment.refunded-late",
		func(ctx context.Context, tx sqlx.Session) error {
			_, err := s.receipts.AddTx(ctx, tx, receipt)
			return err
		})
	if err != nil {
		return err
	}
	if refunded {
		unsettledMoney.WithLabelValues(reasonLate).Inc()
		logx.WithContext(ctx).Errorf("late payment %s for order %s arrived after it expired: refunded automatically", p.Sn, p.OrderSn)
	}
	return nil
}

// refundSurplus records money for payment p, which another trade already settled (the buyer paid
// twice: a first attempt that succeeded late and a second in the reopened window), and refunds it.
func (s *Service) refundSurplus(ctx context.Context, p *model.Payments, receipt *model.PaymentReceipts) error {
	receipt.Outcome = model.ReceiptRefunded
	receipt.Note = fmt.Sprintf("payment already settled by trade %s; refunded automatically", p.TradeNo)
	var added bool
	err := dberr.RetryLockRaces(ctx, lockRaceRetries, func() error {
		return s.db.TransactCtx(ctx, func(ctx context.Context, tx sqlx.Session) error {
			var err error
			added, err = s.receipts.AddTx(ctx, tx, receipt)
			return err
		})
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
func (s *Service) Receipts(ctx context.Context, p *Payment) ([]*model.PaymentReceipts, error) {
	return s.receipts.ListByPayment(ctx, p.ID)
}
