// A provider's notification of money received, from its check to what becomes of the money: a
// settled payment (and, through the outbox, a paid order), or money given back.

package payments

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/pkg/store"
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
	receipt := &model.PaymentReceipts{PaymentId: p.Id, TradeNo: in.TradeNo, Amount: in.Amount, PaidAt: time.Unix(in.PaidAt, 0).UTC()}
	if in.Amount != p.Amount {
		return s.refundMismatch(ctx, p, receipt)
	}
	return s.applyTrade(ctx, p, receipt)
}

// tradeSteps bounds how often one callback looks at its payment again after losing a race to a
// concurrent change (a reopen, an expiry, another trade); each lost race means the payment moved.
const tradeSteps = 4

// applyTrade decides what receipt's money does to payment p, as p is read (from the cache, maybe
// stale) and then as each conditional transaction finds it: it settles the payment, is given
// back because the payment's time ran out, or is surplus because another trade settled it. A step
// that loses a race reloads p and decides again.
func (s *Service) applyTrade(ctx context.Context, p *model.Payments, receipt *model.PaymentReceipts) error {
	for range tradeSteps {
		done, err := s.tradeStep(ctx, p, receipt, time.Now())
		if errors.Is(err, errTradeRecorded) {
			return nil // this trade was settled or given back before: a repeat
		}
		if err != nil || done {
			return err
		}
	}
	return fmt.Errorf("payment %s kept changing under trade %s; the provider retries", p.Sn, receipt.TradeNo)
}

// tradeStep makes one decision for receipt's money on p; done is false when its transaction lost
// a race and p (reloaded) must be looked at again.
func (s *Service) tradeStep(ctx context.Context, p *model.Payments, receipt *model.PaymentReceipts, now time.Time) (done bool, err error) {
	st := status(p)
	switch {
	case p.TradeNo == receipt.TradeNo:
		return true, nil // this trade settled the payment or was given back, now or before
	case p.TradeNo != "" && (st == Succeeded || st == Refunded):
		// Another trade settled it (the buyer paid twice), or closed it late: this money is surplus.
		// A payment's trade, once set, never changes, so even a stale read is right here.
		return true, s.refundSurplus(ctx, p, receipt)
	case st == Pending && inTime(p, now):
		return s.settle(ctx, p, receipt, now)
	case refundLate.allows(st):
		// Money that came after the payment's time ran out is given back at once: the order may be
		// cancelled by now.
		return s.refundLate(ctx, p, receipt, now)
	default:
		return true, fmt.Errorf("payment %s is %q with trade %q: trade %s not applied", p.Sn, p.Status, p.TradeNo, receipt.TradeNo)
	}
}

// inTime reports whether pending payment p may still be settled at now (what settle's condition
// asks of the database).
func inTime(p *model.Payments, now time.Time) bool {
	return !p.ExpiresAt.Valid || p.ExpiresAt.Time.After(now)
}

// errTradeRecorded rolls back a move whose trade already has a receipt: money that was given back
// can never settle anything, and money that settled a payment settles nothing else.
var errTradeRecorded = errors.New("trade already recorded")

// addReceiptTx records receipt in tx, or fails with errTradeRecorded if its trade has one already.
func (s *Service) addReceiptTx(ctx context.Context, tx sqlx.Session, receipt *model.PaymentReceipts) error {
	added, err := s.receipts.AddTx(ctx, tx, receipt)
	if err == nil && !added {
		return errTradeRecorded
	}
	return err
}

// status is p's status in the domain's terms. A word the domain does not know (written by hand in
// SQL) reads as 0, which no transition allows: the payment is left alone, and answers with it are
// refused by toPayment.
func status(p *model.Payments) Status {
	st, _ := statusOf(p.Status)
	return st
}

// settle settles pending payment p with receipt's money unless its time ran out by now, and
// queues the order's news in the same transaction; it reports whether it did. p is reloaded.
func (s *Service) settle(ctx context.Context, p *model.Payments, receipt *model.PaymentReceipts, now time.Time) (bool, error) {
	receipt.Outcome, receipt.Note = model.ReceiptSettled, ""
	settled, err := s.move(ctx, p, settle, now, model.Move{TradeNo: &receipt.TradeNo, PaidAt: &receipt.PaidAt}, "payment.paid",
		func(ctx context.Context, tx sqlx.Session) error {
			if err := s.addReceiptTx(ctx, tx, receipt); err != nil {
				return err
			}
			return s.queue(ctx, tx, succeeded(ctx, p, receipt.PaidAt))
		})
	if settled {
		s.queued()
	}
	return settled, err
}

// refundLate records money that arrived for payment p after its time ran out and gives it back
// at once; it reports whether it did. p is reloaded.
func (s *Service) refundLate(ctx context.Context, p *model.Payments, receipt *model.PaymentReceipts, now time.Time) (bool, error) {
	receipt.Outcome, receipt.Note = model.ReceiptRefunded, expiredRefundNote
	note := expiredRefundNote
	refunded, err := s.move(ctx, p, refundLate, now,
		model.Move{TradeNo: &receipt.TradeNo, PaidAt: &receipt.PaidAt, RefundedAt: &now, Note: &note}, "payment.refunded-late",
		func(ctx context.Context, tx sqlx.Session) error {
			return s.addReceiptTx(ctx, tx, receipt)
		})
	if refunded {
		unsettledMoney.WithLabelValues(reasonLate).Inc()
		logx.WithContext(ctx).Errorf("late payment %s for order %s arrived after it expired: refunded automatically", p.Sn, p.OrderSn)
	}
	return refunded, err
}

// refundSurplus records money for payment p, which another trade already settled (the buyer paid
// twice: a first attempt that succeeded late and a second in the reopened window), and refunds it.
func (s *Service) refundSurplus(ctx context.Context, p *model.Payments, receipt *model.PaymentReceipts) error {
	receipt.Outcome = model.ReceiptRefunded
	receipt.Note = fmt.Sprintf("payment already settled by trade %s; refunded automatically", p.TradeNo)
	added, err := s.recordRefunded(ctx, receipt, reasonSurplus)
	if err != nil {
		return fmt.Errorf("refund surplus money for payment %s: %w", p.Sn, err)
	}
	if added {
		logx.WithContext(ctx).Errorf("payment %s (settled by trade %s) received trade %s too: refunded automatically", p.Sn, p.TradeNo, receipt.TradeNo)
	}
	return nil
}

// refundMismatch records money reported for payment p with another amount than p's, which cannot
// settle it, as given back, and still refuses the notification: the provider hears what it heard
// before, and the money is not left in limbo.
func (s *Service) refundMismatch(ctx context.Context, p *model.Payments, receipt *model.PaymentReceipts) error {
	logx.WithContext(ctx).Errorf("callback for payment %s with amount %d, expected %d: rejected and refunded", p.Sn, receipt.Amount, p.Amount)
	receipt.Outcome = model.ReceiptRefunded
	receipt.Note = fmt.Sprintf("amount %d does not match the payment's %d; refunded automatically", receipt.Amount, p.Amount)
	if _, err := s.recordRefunded(ctx, receipt, reasonMismatch); err != nil {
		return fmt.Errorf("refund mismatched money for payment %s: %w", p.Sn, err) // the provider retries
	}
	return xerr.ErrAmountMismatch
}

// recordRefunded records receipt (given back, for reason) in a transaction of its own and counts
// it; it reports whether this call recorded it (false: the trade had its receipt already).
func (s *Service) recordRefunded(ctx context.Context, receipt *model.PaymentReceipts, reason string) (bool, error) {
	var added bool
	err := store.RetryLockRaces(ctx, lockRaceRetries, func() error {
		return s.db.TransactCtx(ctx, func(ctx context.Context, tx sqlx.Session) error {
			var err error
			added, err = s.receipts.AddTx(ctx, tx, receipt)
			return err
		})
	})
	if added {
		unsettledMoney.WithLabelValues(reason).Inc()
	}
	return added, err
}

// Receipts lists every sum the provider reported for payment p, and what became of it.
func (s *Service) Receipts(ctx context.Context, p *Payment) ([]*Receipt, error) {
	rows, err := s.receipts.ListByPayment(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	receipts := make([]*Receipt, len(rows))
	for i, r := range rows {
		receipts[i] = toReceipt(r)
	}
	return receipts, nil
}
