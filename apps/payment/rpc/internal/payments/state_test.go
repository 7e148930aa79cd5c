package payments

import (
	"context"
	"testing"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/pkg/ids"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

func TestStateMachine(t *testing.T) {
	allowed := map[[2]Status]bool{
		{Pending, Succeeded}: true, {Pending, Expired}: true, {Pending, Pending}: true, {Pending, Refunded}: true,
		{Expired, Pending}: true, {Expired, Refunded}: true,
		{Succeeded, Refunded}: true,
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			if got := canMove(from, to); got != allowed[[2]Status{from, to}] {
				t.Errorf("%s -> %s: %v", from, to, got)
			}
		}
	}
}

func TestStatusOf_RefusesUnknownWords(t *testing.T) {
	for _, s := range Statuses {
		if got, err := statusOf(s.String()); err != nil || got != s {
			t.Errorf("statusOf(%q) = %v, %v", s.String(), got, err)
		}
	}
	if _, err := statusOf("paid"); err == nil {
		t.Error(`statusOf("paid"): no error`)
	}
}

// The conditional update a transition makes lets the database refuse what the table refuses: from
// every status, each transition moves a payment only if the table allows it, and only when the
// payment's expiry does.
func TestTransitions_TheDatabaseFollowsTheTable(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	now := time.Now()
	named := map[string]transition{"settle": settle, "expire": expire, "reopen": reopen, "refundLate": refundLate, "refund": refund}
	for name, tr := range named {
		for _, from := range Statuses {
			for _, expired := range []bool{false, true} {
				p, err := f.svc.Create(ctx, 7, ids.NewSN(time.Now()))
				if err != nil {
					t.Fatal(err)
				}
				expiresAt := now.Add(time.Hour)
				if expired {
					expiresAt = now.Add(-time.Second)
				}
				if _, err := f.db.Exec("UPDATE payments SET status = ?, expires_at = ? WHERE id = ?", from.String(), expiresAt.UTC(), p.ID); err != nil {
					t.Fatal(err)
				}
				var set model.Move
				if tr.to == tr.from[0] { // reopen: MySQL counts a row as changed only if a value changed
					later := now.Add(time.Hour)
					set.ExpiresAt = &later
				}
				var moved bool
				err = f.svc.db.TransactCtx(ctx, func(ctx context.Context, tx sqlx.Session) error {
					moved, err = f.svc.payments.MoveTx(ctx, tx, p.ID, tr.with(now, set))
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				want := tr.allows(from) && (tr.when == model.AnyTime || (tr.when == model.AfterExpiry) == expired)
				if moved != want {
					t.Errorf("%s from %s (expired %v): moved %v, want %v", name, from, expired, moved, want)
				}
				if !canMove(from, tr.to) && moved {
					t.Errorf("%s: %s -> %s is not in the table", name, from, tr.to)
				}
			}
		}
	}
}
