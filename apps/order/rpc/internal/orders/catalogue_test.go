package orders

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"zeromall/apps/order/model"
	"zeromall/apps/order/model/migrations"
	"zeromall/pkg/events"
	"zeromall/pkg/store"
	"zeromall/pkg/testkit"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

const admin = 99

func newCatalogue(t *testing.T) (*Service, sqlx.SqlConn) {
	t.Helper()
	dsn := testkit.NewMigratedDSN(t, "order", migrations.Files)
	db := store.NewConn(dsn)
	r := testkit.StartRedis(t)
	return New(db, tablesOn(db, r.CacheConf()), time.Hour, r.Journal(db), eventsOn(db)), db
}

func mustProduct(t *testing.T, s *Service, title string, price, stock int64) *Product {
	t.Helper()
	p, err := s.CreateProduct(context.Background(), admin, NewProduct{Title: title, Price: price, Stock: stock})
	if err != nil {
		t.Fatalf("create %s: %v", title, err)
	}
	return p
}

// checkLedger asserts stock = initial_stock + sum(ledger) for every product.
func checkLedger(t *testing.T, db sqlx.SqlConn) {
	t.Helper()
	var broken []struct {
		Id     int64 `db:"id"`
		Stock  int64 `db:"stock"`
		Booked int64 `db:"booked"`
	}
	q := "select p.id, p.stock, p.initial_stock + coalesce(sum(l.delta), 0) as booked from products p " +
		"left join stock_ledger l on l.product_id = p.id group by p.id, p.stock, p.initial_stock having p.stock <> booked"
	if err := db.QueryRowsCtx(context.Background(), &broken, q); err != nil {
		t.Fatal(err)
	}
	for _, b := range broken {
		t.Errorf("product %d: stock %d, but initial stock + ledger = %d", b.Id, b.Stock, b.Booked)
	}
}

func TestProducts_PagesEveryProductForSaleOnceByID(t *testing.T) {
	s, _ := newCatalogue(t)
	ctx := context.Background()
	archived := map[int64]bool{}
	for i := range 37 {
		p := mustProduct(t, s, fmt.Sprintf("product %d", i), 100+int64(i), 5)
		if i%9 == 4 {
			off := false
			if _, err := s.UpdateProduct(ctx, admin, p.ID, ProductChange{Active: &off}); err != nil {
				t.Fatal(err)
			}
			archived[p.ID] = true
		}
	}
	var seen []int64
	cursor, pages := "", 0
	for {
		list, next, err := s.Products(ctx, cursor, 10)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, p := range list {
			if archived[p.ID] || !p.Active {
				t.Errorf("archived product %d listed", p.ID)
			}
			if len(seen) > 0 && p.ID <= seen[len(seen)-1] {
				t.Errorf("product %d after %d: not in id order", p.ID, seen[len(seen)-1])
			}
			seen = append(seen, p.ID)
		}
		if next == "" {
			break
		}
		if len(list) != 10 {
			t.Fatalf("a page of %d before the last", len(list))
		}
		cursor = next
	}
	if want := 6 + 37 - len(archived); len(seen) != want || pages != (want+9)/10 {
		t.Fatalf("%d products on %d pages, want %d (the 6 seeded, %d added, %d archived)", len(seen), pages, want, 37, len(archived))
	}
	if list, _, err := s.Products(ctx, "", 0); err != nil || len(list) != defaultLimit {
		t.Errorf("default limit gave %d products, %v", len(list), err)
	}
	for _, bad := range []struct {
		cursor string
		limit  int64
		field  string
	}{
		{"not-a-cursor!", 10, "cursor"},
		{encodeCursor(ledgerCursor, 5), 10, "cursor"},
		{encodeCursor(productCursor, -5), 10, "cursor"},
		{"", 101, "limit"},
		{"", -1, "limit"},
	} {
		_, _, err := s.Products(ctx, bad.cursor, bad.limit)
		var ce *xerr.CodeError
		if !errors.As(err, &ce) || ce.Code != xerr.ErrBadRequest.Code || !strings.HasPrefix(ce.Msg, bad.field) {
			t.Errorf("cursor %q limit %d: %v, want a 400 naming %s", bad.cursor, bad.limit, err, bad.field)
		}
	}
}

func TestProducts_EveryChangeReachesTheCachedPagesAndProduct(t *testing.T) {
	s, db := newCatalogue(t)
	ctx := context.Background()
	p := mustProduct(t, s, "cached tee", 1500, 10)
	listed := func() *Product {
		t.Helper()
		for cursor := ""; ; {
			list, next, err := s.Products(ctx, cursor, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range list {
				if q.ID == p.ID {
					return q
				}
			}
			if next == "" {
				return nil
			}
			cursor = next
		}
	}
	page := func() (*Product, *Product) { // the listed row and the product page, both cached
		t.Helper()
		one, err := s.Product(ctx, p.ID)
		if err != nil && !errors.Is(err, xerr.ErrProductNotFound) {
			t.Fatal(err)
		}
		return listed(), one
	}
	if l, one := page(); l == nil || one == nil || l.Stock != 10 || one.Stock != 10 {
		t.Fatalf("before any change: listed %+v, page %+v", l, one)
	}

	o, err := s.Create(ctx, 7, []Line{{ProductID: p.ID, Quantity: 3}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if l, one := page(); l.Stock != 7 || one.Stock != 7 {
		t.Errorf("after an order of 3: listed stock %d, page %d, want 7", l.Stock, one.Stock)
	}
	if _, err := s.Cancel(ctx, 7, o.Sn); err != nil {
		t.Fatal(err)
	}
	if l, one := page(); l.Stock != 10 || one.Stock != 10 {
		t.Errorf("after the cancel: listed stock %d, page %d, want 10", l.Stock, one.Stock)
	}
	price, title := int64(1700), "cached tee v2"
	if _, err := s.UpdateProduct(ctx, admin, p.ID, ProductChange{Price: &price, Title: &title}); err != nil {
		t.Fatal(err)
	}
	if l, one := page(); l.Price != 1700 || one.Title != title {
		t.Errorf("after the edit: listed price %d, page title %q", l.Price, one.Title)
	}
	if _, err := s.AdjustStock(ctx, admin, p.ID, 5, "delivery"); err != nil {
		t.Fatal(err)
	}
	if l, one := page(); l.Stock != 15 || one.Stock != 15 {
		t.Errorf("after a restock of 5: listed stock %d, page %d, want 15", l.Stock, one.Stock)
	}
	off := false
	if _, err := s.UpdateProduct(ctx, admin, p.ID, ProductChange{Active: &off}); err != nil {
		t.Fatal(err)
	}
	if l, one := page(); l != nil || one != nil {
		t.Errorf("after archiving: listed %+v, page %+v", l, one)
	}
	if _, err := s.Create(ctx, 7, []Line{{ProductID: p.ID, Quantity: 1}}, ""); !errors.Is(err, xerr.ErrUnknownProduct) {
		t.Errorf("ordering an archived product: %v", err)
	}
	if _, err := s.Product(ctx, 1<<40); !errors.Is(err, xerr.ErrProductNotFound) {
		t.Errorf("unknown product: %v", err)
	}
	// A product created after its id was looked up (and the miss cached) is found at once.
	var next int64
	if err := db.QueryRowCtx(ctx, &next, "select max(id) + 1 from products"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Product(ctx, next); !errors.Is(err, xerr.ErrProductNotFound) {
		t.Fatalf("product %d before it exists: %v", next, err)
	}
	if created := mustProduct(t, s, "new", 100, 1); created.ID != next {
		t.Fatalf("created %d, expected id %d", created.ID, next)
	}
	if _, err := s.Product(ctx, next); err != nil {
		t.Errorf("new product %d hidden by a cached miss: %v", next, err)
	}
}

func TestLedger_StockIsInitialPlusTheLedgerAfterEveryKindOfChange(t *testing.T) {
	s, db := newCatalogue(t)
	ctx := context.Background()
	p := mustProduct(t, s, "ledgered mug", 1250, 10)

	cancelled, err := s.Create(ctx, 7, []Line{{ProductID: p.ID, Quantity: 3}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Cancel(ctx, 7, cancelled.Sn); err != nil {
		t.Fatal(err)
	}
	refunded, err := s.Create(ctx, 7, []Line{{ProductID: p.ID, Quantity: 2}}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []*events.Event{paymentEvent(ctx, refunded.Sn, true), paymentEvent(ctx, refunded.Sn, false)} {
		if err := s.HandlePaymentEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	expired, err := s.Create(ctx, 8, []Line{{ProductID: p.ID, Quantity: 1}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.CancelExpired(ctx, time.Now().Add(time.Minute), 100); err != nil || n != 1 {
		t.Fatalf("auto-cancel: %d, %v", n, err)
	}
	if _, err := s.Create(ctx, 8, []Line{{ProductID: p.ID, Quantity: 4}}, ""); err != nil {
		t.Fatal(err)
	}
	if got, err := s.AdjustStock(ctx, admin, p.ID, 5, "  delivery 42 "); err != nil || got.Stock != 11 {
		t.Fatalf("restock: %+v, %v", got, err)
	}
	if got, err := s.AdjustStock(ctx, admin, p.ID, -2, "broken in the warehouse"); err != nil || got.Stock != 9 {
		t.Fatalf("write-off: %+v, %v", got, err)
	}
	if _, err := s.AdjustStock(ctx, admin, p.ID, -10, "too many"); !errors.Is(err, xerr.ErrStockBelowZero) {
		t.Fatalf("removing 10 of 9: %v", err)
	}
	checkLedger(t, db)

	type row struct {
		kind, order, reason string
		delta, admin        int64
	}
	want := []row{ // newest first
		{kind: model.StockAdjustment, delta: -2, reason: "broken in the warehouse", admin: admin},
		{kind: model.StockAdjustment, delta: 5, reason: "delivery 42", admin: admin},
		{kind: model.StockOrder, delta: -4},
		{kind: model.StockAutoCancel, delta: 1, order: expired.Sn},
		{kind: model.StockOrder, delta: -1, order: expired.Sn},
		{kind: model.StockRefund, delta: 2, order: refunded.Sn},
		{kind: model.StockOrder, delta: -2, order: refunded.Sn},
		{kind: model.StockCancel, delta: 3, order: cancelled.Sn},
		{kind: model.StockOrder, delta: -3, order: cancelled.Sn},
	}
	var got []*StockChange
	for cursor := ""; ; {
		page, next, err := s.Ledger(ctx, p.ID, cursor, 4)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(got) != len(want) {
		t.Fatalf("%d ledger rows, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Kind != w.kind || g.Delta != w.delta || g.Reason != w.reason || g.AdminID != w.admin || (w.order != "" && g.OrderSn != w.order) {
			t.Errorf("ledger row %d: %+v, want %+v", i, g, w)
		}
	}
	if _, _, err := s.Ledger(ctx, 1<<40, "", 10); !errors.Is(err, xerr.ErrProductNotFound) {
		t.Errorf("ledger of an unknown product: %v", err)
	}
}

func TestLedger_HoldsUnderConcurrentBuyersCancelsAndAdjustments(t *testing.T) {
	s, db := newCatalogue(t)
	ctx := context.Background()
	p := mustProduct(t, s, "hot cap", 2500, 30)
	var wg sync.WaitGroup
	var mu sync.Mutex
	sold := 0
	for buyer := int64(1); buyer <= 12; buyer++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 6 {
				o, err := s.Create(ctx, buyer, []Line{{ProductID: p.ID, Quantity: 2}}, "")
				if errors.Is(err, xerr.ErrOutOfStock) {
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				if i%3 == 0 {
					if _, err := s.Cancel(ctx, buyer, o.Sn); err != nil {
						t.Error(err)
					}
					continue
				}
				mu.Lock()
				sold += 2
				mu.Unlock()
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 10 {
			delta := int64(3)
			if i%2 == 1 {
				delta = -1
			}
			if _, err := s.AdjustStock(ctx, admin, p.ID, delta, "cycle count"); err != nil && !errors.Is(err, xerr.ErrStockBelowZero) {
				t.Error(err)
			}
		}
	}()
	wg.Wait()
	checkLedger(t, db)
	var stock int64
	if err := db.QueryRowCtx(ctx, &stock, "select stock from products where id = ?", p.ID); err != nil {
		t.Fatal(err)
	}
	if stock < 0 || sold == 0 {
		t.Fatalf("stock %d after selling %d", stock, sold)
	}
}

func TestAdmin_RejectsBadInputNamingTheField(t *testing.T) {
	s, db := newCatalogue(t)
	ctx := context.Background()
	p := mustProduct(t, s, "valid", 100, 1)
	long := strings.Repeat("x", maxTitleLen+1)
	empty, zero, tooDear := "  ", int64(0), int64(maxPrice+1)
	cases := []struct {
		name  string
		call  func() error
		field string
	}{
		{"no title", func() error { _, err := s.CreateProduct(ctx, admin, NewProduct{Price: 1}); return err }, "title"},
		{"long title", func() error { _, err := s.CreateProduct(ctx, admin, NewProduct{Title: long, Price: 1}); return err }, "title"},
		{"control char", func() error { _, err := s.CreateProduct(ctx, admin, NewProduct{Title: "a\x00b", Price: 1}); return err }, "title"},
		{"free", func() error { _, err := s.CreateProduct(ctx, admin, NewProduct{Title: "a", Price: 0}); return err }, "price"},
		{"too dear", func() error {
			_, err := s.CreateProduct(ctx, admin, NewProduct{Title: "a", Price: tooDear})
			return err
		}, "price"},
		{"negative stock", func() error {
			_, err := s.CreateProduct(ctx, admin, NewProduct{Title: "a", Price: 1, Stock: -1})
			return err
		}, "stock"},
		{"bad sku", func() error {
			_, err := s.CreateProduct(ctx, admin, NewProduct{Sku: "a b", Title: "a", Price: 1})
			return err
		}, "sku"},
		{"empty change", func() error { _, err := s.UpdateProduct(ctx, admin, p.ID, ProductChange{}); return err }, "title"},
		{"blank title", func() error { _, err := s.UpdateProduct(ctx, admin, p.ID, ProductChange{Title: &empty}); return err }, "title"},
		{"zero price", func() error { _, err := s.UpdateProduct(ctx, admin, p.ID, ProductChange{Price: &zero}); return err }, "price"},
		{"zero delta", func() error { _, err := s.AdjustStock(ctx, admin, p.ID, 0, "x"); return err }, "delta"},
		{"huge delta", func() error { _, err := s.AdjustStock(ctx, admin, p.ID, maxDelta+1, "x"); return err }, "delta"},
		{"no reason", func() error { _, err := s.AdjustStock(ctx, admin, p.ID, 1, " "); return err }, "reason"},
	}
	for _, c := range cases {
		err := c.call()
		var ce *xerr.CodeError
		if !errors.As(err, &ce) || ce.Code != xerr.ErrBadRequest.Code || !strings.HasPrefix(ce.Msg, c.field) {
			t.Errorf("%s: %v, want a 400 naming %s", c.name, err, c.field)
		}
	}
	var n int64
	if err := db.QueryRowCtx(ctx, &n, "select count(*) from products"); err != nil || n != 7 {
		t.Errorf("%d products after the rejected creations, want 7 (%v)", n, err)
	}
	if err := db.QueryRowCtx(ctx, &n, "select count(*) from stock_ledger"); err != nil || n != 0 {
		t.Errorf("%d ledger rows after rejected adjustments (%v)", n, err)
	}
	if _, err := s.CreateProduct(ctx, admin, NewProduct{Sku: p.Sku, Title: "dup", Price: 1}); !errors.Is(err, xerr.ErrSkuTaken) {
		t.Errorf("duplicate sku: %v", err)
	}
	if _, err := s.UpdateProduct(ctx, admin, 1<<40, ProductChange{Price: &tooDear}); err == nil {
		t.Error("updating an unknown product with a bad price succeeded")
	}
	price := int64(5)
	if _, err := s.UpdateProduct(ctx, admin, 1<<40, ProductChange{Price: &price}); !errors.Is(err, xerr.ErrProductNotFound) {
		t.Errorf("updating an unknown product: %v", err)
	}
	if _, err := s.AdjustStock(ctx, admin, 1<<40, 1, "x"); !errors.Is(err, xerr.ErrProductNotFound) {
		t.Errorf("restocking an unknown product: %v", err)
	}
}

// tablesOn builds the goctl models on db, as svc does.
func tablesOn(db sqlx.SqlConn, c cache.CacheConf) Tables {
	return Tables{
		Products: model.NewProductsModel(db, c), Orders: model.NewOrdersModel(db, c), Items: model.NewOrderItemsModel(db, c),
		Idempotency: model.NewOrderIdempotencyModel(db, c), Ledger: model.NewStockLedgerModel(db, c),
		Sales: model.NewProductSalesModel(db, c),
	}
}

// eventsOn is the outbox and inbox in db, with no relay: events stay in the outbox, where a test
// reads them.
func eventsOn(db sqlx.SqlConn) events.Kit {
	return events.Kit{Outbox: events.NewOutbox(db), Inbox: events.NewInbox(db)}
}
