package orders

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"zeromall/pkg/xerr"
)

// A burst of parallel orders from one buyer cannot get past the limit of unpaid orders, and the
// limit is one buyer's: others order on.
func TestCreate_UnpaidOrdersPerBuyerAreCapped(t *testing.T) {
	s, db := newCatalogue(t)
	s.SetLimits(Limits{PendingPerUser: 3, MaxHold: time.Hour})
	ctx := context.Background()
	p := mustProduct(t, s, "capped cap", 900, 100)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var created []*Order
	refused := 0
	for range 12 {
		wg.Go(func() {
			o, err := s.Create(ctx, 41, []Line{{ProductID: p.Id, Quantity: 1}}, "")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				created = append(created, o)
			case errors.Is(err, xerr.ErrTooManyPending):
				refused++
			default:
				t.Errorf("create: %v", err)
			}
		})
	}
	wg.Wait()
	if len(created) != 3 || refused != 9 {
		t.Fatalf("12 parallel orders of one buyer: %d created, %d refused; want 3 and 9", len(created), refused)
	}
	if _, err := s.Create(ctx, 42, []Line{{ProductID: p.Id, Quantity: 1}}, ""); err != nil {
		t.Fatalf("another buyer: %v", err)
	}
	if _, err := s.Cancel(ctx, 41, created[0].Sn); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, 41, []Line{{ProductID: p.Id, Quantity: 1}}, ""); err != nil {
		t.Fatalf("after cancelling one: %v", err)
	}
	checkLedger(t, db)
}

// Reopening a payment again and again cannot hold an order past MaxHold after it was placed, and
// auto-cancel then releases its stock.
func TestHold_NeverPastMaxHoldAfterPlacing(t *testing.T) {
	s, db := newCatalogue(t)
	s.SetLimits(Limits{PendingPerUser: 5, MaxHold: 2 * time.Second})
	ctx := context.Background()
	p := mustProduct(t, s, "held hat", 900, 10)
	o, err := s.Create(ctx, 43, []Line{{ProductID: p.Id, Quantity: 4}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Hold(ctx, 43, o.Sn, time.Now().Add(time.Second)); err != nil {
		t.Fatalf("a hold within MaxHold: %v", err)
	}
	var ce *xerr.CodeError
	if _, err := s.Hold(ctx, 43, o.Sn, time.Now().Add(17*time.Minute)); !errors.As(err, &ce) || ce.Code != xerr.ErrHoldLimit.Code || ce.HTTPStatus != 409 {
		t.Fatalf("a hold past MaxHold: %v, want 409 %d", err, xerr.ErrHoldLimit.Code)
	}
	time.Sleep(1100 * time.Millisecond) // the last hold ends
	if n, err := s.CancelExpired(ctx, time.Now(), 10); err != nil || n != 1 {
		t.Fatalf("auto-cancel after the last hold: %d cancelled, %v", n, err)
	}
	var stock int64
	if err := db.QueryRowCtx(ctx, &stock, "select stock from products where id = ?", p.Id); err != nil || stock != 10 {
		t.Fatalf("stock %d (%v), want all 10 back", stock, err)
	}
	checkLedger(t, db)
}
