package payments

import (
	"context"
	"fmt"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/pkg/enumword"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Status is a payment's state. The database stores it as a word (model.Payment*): statusOf and
// word are the one mapping between the two, and a word the domain does not know is an error.
type Status uint8

const (
	Pending Status = iota + 1
	Succeeded
	Expired
	Refunded
)

var statusWords = enumword.Words[Status]{
	Pending:   model.PaymentPending,
	Succeeded: model.PaymentSucceeded,
	Expired:   model.PaymentExpired,
	Refunded:  model.PaymentRefunded,
}

// Statuses are every status, for mappings that must cover them all.
var Statuses = []Status{Pending, Succeeded, Expired, Refunded}

func (s Status) String() string { return statusWords[s] }

func statusOf(word string) (Status, error) { return statusWords.Parse(word) }

func words(statuses []Status) []string {
	out := make([]string, len(statuses))
	for i, s := range statuses {
		out[i] = statusWords[s]
	}
	return out
}

// Payment is a payment as the domain hands it out.
type Payment struct {
	ID        int64
	Sn        string
	OrderSn   string
	UserID    int64
	Amount    int64 // cents
	Status    Status
	TradeNo   string // the provider's trade that settled it, or was given back late
	CreatedAt time.Time
	PaidAt    time.Time // zero until money arrived
}

func toPayment(p *model.Payments) (*Payment, error) {
	st, err := statusOf(p.Status)
	if err != nil {
		return nil, fmt.Errorf("payment %s: %w", p.Sn, err)
	}
	out := &Payment{ID: p.Id, Sn: p.Sn, OrderSn: p.OrderSn, UserID: p.UserId, Amount: p.Amount, Status: st,
		TradeNo: p.TradeNo, CreatedAt: p.CreatedAt}
	if p.PaidAt.Valid {
		out.PaidAt = p.PaidAt.Time
	}
	return out, nil
}

// transition is one move of the state machine: from any of from to to, at a moment the payment's
// expiry allows.
type transition struct {
	from []Status
	to   Status
	when model.Expiry
}

// The payment state machine. Nothing else changes a payment's status.
var (
	// settle: the provider reports money for an open payment in time.
	settle = transition{from: []Status{Pending}, to: Succeeded, when: model.BeforeExpiry}
	// expire: the payment's time ran out (ExpireDue).
	expire = transition{from: []Status{Pending}, to: Expired, when: model.AfterExpiry}
	// reopen: the buyer pays again after the time ran out, while the order is still pending.
	reopen = transition{from: []Status{Pending, Expired}, to: Pending, when: model.AfterExpiry}
	// refundLate: money arrived after the time ran out; it is given back at once.
	refundLate = transition{from: []Status{Pending, Expired}, to: Refunded, when: model.AfterExpiry}
	// refund: the owner asks for the money back, or the order was cancelled before it arrived.
	refund = transition{from: []Status{Succeeded}, to: Refunded, when: model.AnyTime}
)

var transitions = []transition{settle, expire, reopen, refundLate, refund}

// canMove reports whether the state machine lets a payment go from one status to another.
func canMove(from, to Status) bool {
	for _, t := range transitions {
		if t.to == to && t.allows(from) {
			return true
		}
	}
	return false
}

func (t transition) allows(from Status) bool {
	for _, f := range t.from {
		if f == from {
			return true
		}
	}
	return false
}

// with is the conditional update that makes t at `at`, setting set's fields too.
func (t transition) with(at time.Time, set model.Move) model.Move {
	set.From, set.To, set.Expiry, set.At = words(t.from), statusWords[t.to], t.when, at
	return set
}

// move makes transition t on payment p at `at`, setting the fields of set (its From, To, Expiry
// and At are filled from t) and running also (nil for nothing) in the same transaction, recorded
// under point (pkg/store). The update is conditional, so the database decides: it reports
// whether this call made the move. p is reloaded either way.
func (s *Service) move(ctx context.Context, p *model.Payments, t transition, at time.Time, set model.Move, point string,
	also func(ctx context.Context, tx sqlx.Session) error) (bool, error) {
	moved, err := s.change(ctx, point, s.payments.CacheKeys(p), func(ctx context.Context, tx sqlx.Session) (bool, error) {
		ok, err := s.payments.MoveTx(ctx, tx, p.Id, t.with(at, set))
		if err != nil || !ok || also == nil {
			return ok, err
		}
		return true, also(ctx, tx)
	})
	if err != nil {
		return false, fmt.Errorf("%s: payment %s: %w", point, p.Sn, err)
	}
	fresh, err := s.reload(context.WithoutCancel(ctx), p)
	if err != nil {
		return false, err
	}
	*p = *fresh
	return moved, nil
}

// reload reads p again from MySQL.
func (s *Service) reload(ctx context.Context, p *model.Payments) (*model.Payments, error) {
	fresh, err := s.payments.FindOneBySnFresh(ctx, p.Sn)
	if err != nil {
		return nil, fmt.Errorf("reload payment %s: %w", p.Sn, err)
	}
	return fresh, nil
}

// lockRaceRetries is how many times a payment transaction is run when it keeps losing lock races.
const lockRaceRetries = 3

// change is journal.Change, run again when its transaction lost a lock race (a deadlock, a lock
// wait timeout or a Galera certification conflict), as orders' transactions are.
func (s *Service) change(ctx context.Context, point string, keys []string,
	fn func(ctx context.Context, tx sqlx.Session) (bool, error)) (bool, error) {
	var changed bool
	err := store.RetryLockRaces(ctx, lockRaceRetries, func() error {
		var err error
		changed, err = s.journal.Change(ctx, point, keys, fn)
		return err
	})
	return changed, err
}
