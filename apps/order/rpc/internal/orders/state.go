package orders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/order/model"
	"zeromall/pkg/enumword"
	"zeromall/pkg/events"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Status is an order's state. The database stores it as a word (model.Status*): statusOf and
// String are the one mapping between the two, and a word the domain does not know is an error.
type Status uint8

const (
	Pending Status = iota + 1
	Paid
	Cancelled
	Refunded
)

var statusWords = enumword.Words[Status]{
	Pending:   model.StatusPending,
	Paid:      model.StatusPaid,
	Cancelled: model.StatusCancelled,
	Refunded:  model.StatusRefunded,
}

// Statuses are every status, for mappings that must cover them all.
var Statuses = []Status{Pending, Paid, Cancelled, Refunded}

func (s Status) String() string { return statusWords[s] }

func statusOf(word string) (Status, error) { return statusWords.Parse(word) }

// The order state machine: pending → paid → refunded, pending → cancelled. Nothing else.
var transitions = map[Status][]Status{
	Pending: {Paid, Cancelled},
	Paid:    {Refunded},
}

// CanTransition reports whether the state machine allows moving from one status to another.
func CanTransition(from, to Status) bool {
	for _, next := range transitions[from] {
		if next == to {
			return true
		}
	}
	return false
}

// restocks reports whether reaching a status gives the goods back to stock.
func restocks(to Status) bool {
	return to == Cancelled || to == Refunded
}

func illegal(from, to Status) error {
	if from == Cancelled && to == Paid {
		return xerr.ErrOrderCancelled
	}
	return xerr.ErrIllegalTransition.WithMsgf("order is %s and cannot become %s", from, to)
}

// Cancel cancels a pending order of owner and restocks it; cancelling twice is
// ErrIllegalTransition.
func (s *Service) Cancel(ctx context.Context, owner int64, sn string) (*Order, error) {
	if err := xerr.CheckUserID(owner); err != nil {
		return nil, err
	}
	o, err := s.find(ctx, sn, owner)
	if err != nil {
		return nil, err
	}
	moved, err := s.move(ctx, o, Cancelled, model.StockCancel, time.Now(), nil)
	if err != nil {
		return nil, err
	}
	if !moved {
		return nil, xerr.ErrIllegalTransition.WithMsg("order is already cancelled")
	}
	return s.withItems(ctx, o)
}

// Hold keeps a pending order of payer from auto-cancel until `until`: payment-rpc has opened a
// payment for it, and the payment's outcome decides. A hold is only ever extended, and never past
// MaxHold after the order was placed (ErrHoldLimit), so reopening an expired payment again and
// again cannot keep its stock forever. An order that is no longer pending is ErrOrderNotPayable.
func (s *Service) Hold(ctx context.Context, payer int64, sn string, until time.Time) (*Order, error) {
	if err := xerr.CheckUserID(payer); err != nil {
		return nil, err
	}
	o, err := s.find(ctx, sn, payer)
	if err != nil {
		return nil, err
	}
	keys := s.orders.CacheKeys(o)
	err = s.transact(ctx, func(ctx context.Context, tx sqlx.Session) error {
		cur, err := s.orders.LockTx(ctx, tx, o.Id)
		if err != nil {
			return err
		}
		if cur.Status != Pending.String() {
			return xerr.ErrOrderNotPayable.WithMsgf("order is %s, not pending", cur.Status)
		}
		if last := cur.CreatedAt.Add(s.limits.MaxHold); until.After(last) {
			return xerr.ErrHoldLimit.WithMsgf("order was held for payment as long as allowed (%s after it was placed): "+
				"its stock is released when the last hold ends; place a new order", s.limits.MaxHold)
		}
		if err := s.orders.HoldTx(ctx, tx, o.Id, until); err != nil {
			return err
		}
		return s.journal.RecordTx(ctx, tx, keys...)
	})
	if err != nil {
		return nil, err
	}
	s.afterCommit(ctx, "order.held", o.UserId, keys)
	return s.withItems(ctx, o)
}

// errHeld stops an auto-cancel that found the order held for a payment under its row lock.
var errHeld = errors.New("order is held for a payment")

// CancelExpired cancels and restocks up to batch orders still pending that were created before
// deadline and are not held for a payment (Hold), and returns how many this call cancelled.
// Instances need no coordination: each cancellation is a transition under a row lock, so when two
// pick the same order one cancels it and the other finds it cancelled, and a hold taken after
// the scan is seen under the lock.
func (s *Service) CancelExpired(ctx context.Context, deadline time.Time, batch int) (int, error) {
	now := time.Now()
	expired, err := s.orders.FindPendingBefore(ctx, deadline, now, batch)
	if err != nil {
		return 0, err
	}
	unheld := func(cur *model.Orders) error {
		if cur.PaymentDeadline.Valid && cur.PaymentDeadline.Time.After(now) {
			return errHeld
		}
		return nil
	}
	cancelled := 0
	for _, o := range expired {
		moved, err := s.move(ctx, o, Cancelled, model.StockAutoCancel, now, nil, unheld)
		switch {
		case errors.Is(err, xerr.ErrIllegalTransition), errors.Is(err, errHeld):
			// Paid or held in the meantime: nothing to do.
		case err != nil:
			logx.WithContext(ctx).Errorf("auto-cancel order %s: %v", o.Sn, err)
		case moved:
			cancelled++
			logx.WithContext(ctx).Infof("auto-cancelled order %s, created %s", o.Sn, o.CreatedAt.UTC().Format(time.RFC3339))
		}
	}
	return cancelled, nil
}

// move moves order o to status `to` in one transaction that locks the order row, checks the
// move against the state machine, updates it conditionally and restocks when the move gives goods
// back. So racing moves of one order (cancel vs. payment, two auto-cancellers) run one after the
// other and exactly one wins. It reports moved=false, with no error, when the order already was
// in `to`; an illegal move is ErrIllegalTransition (ErrOrderCancelled for paying a cancelled
// order). On return o holds the order as committed, also after ErrIllegalTransition. The cache
// keys the move makes stale are recorded in the transaction and dropped after the commit, at the
// crash point "order.<to>".
//
// A restock is recorded in the stock ledger as kind (model.StockCancel...). allowed, when given,
// may veto the move after the lock (with its error).
func (s *Service) move(ctx context.Context, o *model.Orders, to Status, kind string, at time.Time, cause *events.Event,
	allowed ...func(cur *model.Orders) error) (moved bool, err error) {
	var items []*model.OrderItems
	if restocks(to) || to == Paid {
		// Lines never change, so reading them (cached) before the transaction is safe. A
		// restock needs them, and so does the order.paid event.
		if items, err = s.items.ListByOrder(ctx, o.Id); err != nil {
			return false, err
		}
	}
	keys := s.orders.CacheKeys(o)
	if restocks(to) && len(items) > 0 {
		ids := make([]int64, len(items))
		for i, it := range items {
			ids[i] = it.ProductId
		}
		keys = append(keys, s.products.StaleKeys(ids...)...)
	}
	var cur *model.Orders
	err = s.transact(ctx, func(ctx context.Context, tx sqlx.Session) error {
		moved = false
		locked, err := s.orders.LockTx(ctx, tx, o.Id)
		if err != nil {
			return err
		}
		cur = locked
		if cause != nil {
			if first, err := s.events.Inbox.FirstTx(ctx, tx, PaymentsConsumer, cause.GetId()); err != nil || !first {
				return err // !first: applied before, nothing to do
			}
		}
		from, err := statusOf(cur.Status)
		if err != nil {
			return err
		}
		if from == to {
			return nil
		}
		if !CanTransition(from, to) {
			return illegal(from, to)
		}
		for _, check := range allowed {
			if err := check(cur); err != nil {
				return err
			}
		}
		if _, err := s.orders.TransitionTx(ctx, tx, o.Id, cur.Status, to.String(), at); err != nil {
			return err
		}
		if err := s.events.Outbox.AddTx(ctx, tx, s.changed(ctx, cur, to, kind, at, items)); err != nil {
			return err
		}
		var restocked []*model.StockLedger
		if restocks(to) {
			for _, it := range items {
				if err := s.products.AddStockTx(ctx, tx, it.ProductId, it.Quantity); err != nil {
					return err
				}
				restocked = append(restocked, &model.StockLedger{ProductId: it.ProductId, Delta: it.Quantity, Kind: kind, OrderSn: cur.Sn})
			}
		}
		if err := s.ledger.InsertManyTx(ctx, tx, restocked); err != nil {
			return err
		}
		moved = true
		return s.journal.RecordTx(ctx, tx, keys...)
	})
	if err != nil {
		if cur != nil && errors.Is(err, xerr.ErrIllegalTransition) {
			*o = *cur // what the move was refused from
		}
		return false, err
	}
	if !moved {
		*o = *cur
		return false, nil
	}
	s.afterCommit(ctx, "order."+to.String(), o.UserId, keys)
	s.events.Queued()
	fresh, err := s.orders.FindOne(ctx, o.Id)
	if err != nil {
		return false, fmt.Errorf("reload order %s: %w", o.Sn, err)
	}
	*o = *fresh
	return true, nil
}

// afterCommit does what a commit that changed owner's orders obliges, even if the caller has
// gone: it drops the cache keys the transaction recorded (at crash point `point`) and notes the
// write for readOwn.
func (s *Service) afterCommit(ctx context.Context, point string, owner int64, keys []string) {
	s.journal.Drop(ctx, point, keys...)
	s.wrote(ctx, owner)
}
