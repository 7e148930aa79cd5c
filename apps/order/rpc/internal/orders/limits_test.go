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
	created, refused := raceCreations(t, s, 41, p.ID, 12)
	if len(created) != 3 || refused != 9 {
		t.Fatalf("12 parallel orders of one buyer: %d created, %d refused; want 3 and 9", len(created), refused)
	}
	if _, err := s.Create(ctx, 42, []Line{{ProductID: p.ID, Quantity: 1}}, ""); err != nil {
		t.Fatalf("another buyer: %v", err)
	}
	if _, err := s.Cancel(ctx, 41, created[0].Sn); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, 41, []Line{{ProductID: p.ID, Quantity: 1}}, ""); err != nil {
		t.Fatalf("after cancelling one: %v", err)
	}
	checkLedger(t, db)
}

// 50 parallel creations of one buyer at a cap of 5: exactly 5 pass, each in its own slot, and
// the pending orders in MySQL are exactly those 5. Paying one frees its slot for the next.
func TestCreate_FiftyRacersAtACapOfFive(t *testing.T) {
	s, db := newCatalogue(t)
	s.SetLimits(Limits{PendingPerUser: 5, MaxHold: time.Hour})
	ctx := context.Background()
	const buyer = 45
	p := mustProduct(t, s, "raced rucksack", 900, 100)
	created, refused := raceCreations(t, s, buyer, p.ID, 50)
	if len(created) != 5 || refused != 45 {
		t.Fatalf("50 parallel orders at a cap of 5: %d created, %d refused; want 5 and 45", len(created), refused)
	}
	var pending, slots int
	if err := db.QueryRowCtx(ctx, &pending, "select count(*) from orders where user_id = ? and status = 'pending'", buyer); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowCtx(ctx, &slots, "select count(distinct pending_slot) from orders where user_id = ? and pending_slot between 0 and 4", buyer); err != nil {
		t.Fatal(err)
	}
	if pending != 5 || slots != 5 {
		t.Fatalf("%d pending orders in %d distinct slots, want 5 in 5", pending, slots)
	}
	var stock int64
	if err := db.QueryRowCtx(ctx, &stock, "select stock from products where id = ?", p.ID); err != nil || stock != 95 {
		t.Fatalf("stock %d (%v): the refused creations took stock", stock, err)
	}
	if err := s.HandlePaymentEvent(ctx, paymentEvent(ctx, created[0].Sn, true)); err != nil {
		t.Fatal(err)
	}
	var holding int
	if err := db.QueryRowCtx(ctx, &holding, "select count(*) from orders where sn = ? and pending_slot is not null", created[0].Sn); err != nil || holding != 0 {
		t.Fatalf("a paid order still holds its slot (%v)", err)
	}
	if _, err := s.Create(ctx, buyer, []Line{{ProductID: p.ID, Quantity: 1}}, ""); err != nil {
		t.Fatalf("after paying one: %v", err)
	}
	if _, err := s.Create(ctx, buyer, []Line{{ProductID: p.ID, Quantity: 1}}, ""); !errors.Is(err, xerr.ErrTooManyPending) {
		t.Fatalf("a sixth pending order: %v, want ErrTooManyPending", err)
	}
	checkLedger(t, db)
}

// A large cap is kept without reading the buyer's slots: a busy buyer's orders take consecutive
// slots up to the last one, and the one past the cap is refused.
func TestCreate_LargeCapFindsTheLastFreeSlot(t *testing.T) {
	s, db := newCatalogue(t)
	const limit = readSlotsUpTo + 36
	s.SetLimits(Limits{PendingPerUser: limit, MaxHold: time.Hour})
	ctx := context.Background()
	const buyer = 46
	p := mustProduct(t, s, "last-slot lamp", 900, 1000)
	for range limit - 1 {
		if _, err := s.Create(ctx, buyer, []Line{{ProductID: p.ID, Quantity: 1}}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Create(ctx, buyer, []Line{{ProductID: p.ID, Quantity: 1}}, ""); err != nil {
		t.Fatalf("the last free slot: %v", err)
	}
	if _, err := s.Create(ctx, buyer, []Line{{ProductID: p.ID, Quantity: 1}}, ""); !errors.Is(err, xerr.ErrTooManyPending) {
		t.Fatalf("past a cap of %d: %v, want ErrTooManyPending", limit, err)
	}
	checkLedger(t, db)
}

// raceCreations starts n creations of one unit of product by buyer at once and returns the
// orders created and how many were refused as too many unpaid; any other error fails the test.
func raceCreations(t *testing.T, s *Service, buyer, product int64, n int) (created []*Order, refused int) {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		start = make(chan struct{})
	)
	for range n {
		wg.Go(func() {
			<-start
			o, err := s.Create(context.Background(), buyer, []Line{{ProductID: product, Quantity: 1}}, "")
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
	close(start)
	wg.Wait()
	return created, refused
}

// Reopening a payment again and again cannot hold an order past MaxHold after it was placed, and
// auto-cancel then releases its stock.
func TestHold_NeverPastMaxHoldAfterPlacing(t *testing.T) {
	s, db := newCatalogue(t)
	s.SetLimits(Limits{PendingPerUser: 5, MaxHold: 2 * time.Second})
	ctx := context.Background()
	p := mustProduct(t, s, "held hat", 900, 10)
	o, err := s.Create(ctx, 43, []Line{{ProductID: p.ID, Quantity: 4}}, "")
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
	if err := db.QueryRowCtx(ctx, &stock, "select stock from products where id = ?", p.ID); err != nil || stock != 10 {
		t.Fatalf("stock %d (%v), want all 10 back", stock, err)
	}
	checkLedger(t, db)
}

// Old stock changes are folded into their product's initial stock: the ledger shrinks, and stock
// = initial_stock + sum(ledger) still holds for every product.
func TestFoldLedgerBefore_KeepsTheLedgerBalanced(t *testing.T) {
	s, db := newCatalogue(t)
	ctx := context.Background()
	p := mustProduct(t, s, "folded fez", 900, 50)
	for range 4 {
		if _, err := s.Create(ctx, 44, []Line{{ProductID: p.ID, Quantity: 2}}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecCtx(ctx, "update stock_ledger set created_at = utc_timestamp(3) - interval 100 day where product_id = ? order by id limit 3", p.ID); err != nil {
		t.Fatal(err)
	}
	var before int
	if err := db.QueryRowCtx(ctx, &before, "select count(*) from stock_ledger where product_id = ?", p.ID); err != nil {
		t.Fatal(err)
	}
	n, err := s.FoldLedgerBefore(ctx, time.Now().Add(-90*24*time.Hour), 2)
	if err != nil || n != 2 {
		t.Fatalf("folded %d (%v), want a batch of 2", n, err)
	}
	if n, err = s.FoldLedgerBefore(ctx, time.Now().Add(-90*24*time.Hour), 2); err != nil || n != 1 {
		t.Fatalf("second round folded %d (%v), want the last old one", n, err)
	}
	var after int
	if err := db.QueryRowCtx(ctx, &after, "select count(*) from stock_ledger where product_id = ?", p.ID); err != nil || after != before-3 {
		t.Fatalf("ledger %d rows after folding 3 of %d (%v)", after, before, err)
	}
	checkLedger(t, db)
	fresh, err := s.products.FindOne(ctx, p.ID)
	if err != nil || fresh.Stock != 42 {
		t.Fatalf("product after the fold: %+v (%v), want stock 42 read fresh", fresh, err)
	}
}
