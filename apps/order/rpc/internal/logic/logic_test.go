package logic

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"zeromall/apps/order/model"
	"zeromall/apps/order/model/migrations"
	"zeromall/apps/order/rpc/internal/config"
	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"
	"zeromall/pkg/confx"
	"zeromall/pkg/events"
	"zeromall/pkg/store"
	"zeromall/pkg/testkit"
	"zeromall/pkg/xerr"
)

// Seeded catalogue (apps/order/model/migrations/0002_seed_catalogue.sql).
const (
	tee   = 1 // 1999 cents, stock 500
	mug   = 2 // 1250 cents, stock 200
	book  = 5 // 3900 cents, stock 20
	hat   = 6 // 2500 cents, stock 5
	buyer = 77
)

type fixture struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	db     *sql.DB
}

// newFixture builds order-rpc's service context from its real YAML, pointed at a fresh database
// (migrated and seeded) and a private Redis.
func newFixture(t *testing.T, env map[string]string) *fixture {
	t.Helper()
	r := testkit.StartRedis(t)
	dsn := testkit.NewDatabaseDSN(t, "order")
	t.Setenv("ORDER_DB_DSN", dsn)
	t.Setenv("REDIS_ADDR", r.Addr)
	for k, v := range env {
		t.Setenv(k, v)
	}
	t.Setenv("ZEROMALL_ENV", "development") // the local root DSN and dev secrets
	var c config.Config
	if err := confx.Load(testkit.RepoRoot(t)+"/apps/order/rpc/etc/order-rpc.yaml", &c); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(context.Background(), dsn, migrations.Files); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &fixture{ctx: context.Background(), svcCtx: svc.NewServiceContext(c, store.NewConn(dsn)), db: db}
}

func (f *fixture) stock(t *testing.T, productID int64) int64 {
	t.Helper()
	var n int64
	if err := f.db.QueryRow("SELECT stock FROM products WHERE id = ?", productID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) create(t *testing.T, items ...*order.ItemReq) *order.OrderInfo {
	t.Helper()
	o, err := NewCreateOrderLogic(f.ctx, f.svcCtx).CreateOrder(&order.CreateOrderReq{UserId: buyer, Items: items})
	if err != nil {
		t.Fatalf("create order: %v", err)
	}
	return o
}

func item(productID, qty int64) *order.ItemReq {
	return &order.ItemReq{ProductId: productID, Quantity: qty}
}

func TestCreateOrder_PricesFromCatalogueAndTakesStock(t *testing.T) {
	f := newFixture(t, nil)
	o := f.create(t, item(mug, 2), item(tee, 1))
	if o.Status != order.OrderStatus_ORDER_STATUS_PENDING || o.TotalAmount != 2*1250+1999 || len(o.Items) != 2 {
		t.Fatalf("order %+v", o)
	}
	if o.Items[0].ProductId != tee || o.Items[0].Price != 1999 || o.Items[0].Title != "zeromall T-shirt" {
		t.Errorf("first line %+v", o.Items[0])
	}
	if got := f.stock(t, mug); got != 198 {
		t.Errorf("mug stock %d, want 198", got)
	}
	if got := f.stock(t, tee); got != 499 {
		t.Errorf("tee stock %d, want 499", got)
	}
}

func TestCreateOrder_OutOfStockRollsBackEveryLine(t *testing.T) {
	f := newFixture(t, nil)
	_, err := NewCreateOrderLogic(f.ctx, f.svcCtx).CreateOrder(&order.CreateOrderReq{
		UserId: buyer, Items: []*order.ItemReq{item(tee, 3), item(hat, 6)},
	})
	if !errors.Is(err, xerr.ErrOutOfStock) {
		t.Fatalf("got %v, want out of stock", err)
	}
	if got := f.stock(t, tee); got != 500 {
		t.Errorf("tee stock %d after a failed order, want 500", got)
	}
	var n int
	_ = f.db.QueryRow("SELECT COUNT(*) FROM orders").Scan(&n)
	if n != 0 {
		t.Errorf("%d orders written", n)
	}
}

func TestCreateOrder_CatalogueCacheSeesStockChanges(t *testing.T) {
	f := newFixture(t, nil)
	stockOf := func(id int64) int64 {
		resp, err := NewListProductsLogic(f.ctx, f.svcCtx).ListProducts(&order.ListProductsReq{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range resp.Items {
			if p.Id == id {
				return p.Stock
			}
		}
		t.Fatalf("product %d not listed", id)
		return 0
	}
	if got := stockOf(hat); got != 5 {
		t.Fatalf("cap stock %d", got)
	}
	o := f.create(t, item(hat, 2))
	if got := stockOf(hat); got != 3 {
		t.Fatalf("catalogue after an order shows stock %d, want 3", got)
	}
	if _, err := NewCancelOrderLogic(f.ctx, f.svcCtx).CancelOrder(&order.CancelOrderReq{Sn: o.Sn, UserId: buyer}); err != nil {
		t.Fatal(err)
	}
	if got := stockOf(hat); got != 5 {
		t.Fatalf("catalogue after a cancel shows stock %d, want 5", got)
	}
}

// pay applies a payment.succeeded event for order sn, as order-rpc's consumer of payment events
// does.
func (f *fixture) pay(sn string) error {
	ev := events.New(f.ctx, "payment", events.SubjectPaymentSucceeded, sn, events.VersionSettled)
	ev.Body = &events.Event_PaymentSucceeded{PaymentSucceeded: &events.PaymentSucceeded{
		PaymentSn: "P" + sn, OrderSn: sn, PaidAt: time.Now().UnixMilli(),
	}}
	return f.svcCtx.Orders.HandlePaymentEvent(f.ctx, ev)
}

// A buyer's cancel races the payment's event: one wins. A payment that lost is rejected (its
// order.payment_rejected queued), so the money goes back.
func TestCancelVersusPaymentEvent_ExactlyOneWins(t *testing.T) {
	f := newFixture(t, nil)
	for round := range 15 {
		o := f.create(t, item(mug, 1))
		var (
			wg                sync.WaitGroup
			cancelErr, payErr error
			start             = make(chan struct{})
		)
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			_, cancelErr = NewCancelOrderLogic(f.ctx, f.svcCtx).CancelOrder(&order.CancelOrderReq{Sn: o.Sn, UserId: buyer})
		}()
		go func() {
			defer wg.Done()
			<-start
			payErr = f.pay(o.Sn)
		}()
		close(start)
		wg.Wait()
		var status string
		var rejected int
		_ = f.db.QueryRow("SELECT status FROM orders WHERE sn = ?", o.Sn).Scan(&status)
		_ = f.db.QueryRow("SELECT COUNT(*) FROM outbox WHERE aggregate = ? AND topic = ?", o.Sn, events.SubjectOrderPaymentRejected).Scan(&rejected)
		switch {
		case payErr != nil:
			t.Fatalf("round %d: the payment event failed: %v", round, payErr)
		case cancelErr == nil && status == model.StatusCancelled && rejected == 1:
		case errors.Is(cancelErr, xerr.ErrIllegalTransition) && status == model.StatusPaid && rejected == 0:
		default:
			t.Fatalf("round %d: cancel=%v status=%s payment rejections=%d", round, cancelErr, status, rejected)
		}
	}
	var paid int64
	_ = f.db.QueryRow("SELECT COUNT(*) FROM orders WHERE status = 'paid'").Scan(&paid)
	if got := f.stock(t, mug); got != 200-paid {
		t.Fatalf("mug stock %d with %d paid orders, want %d", got, paid, 200-paid)
	}
}

func TestAutoCancel_CancelsExpiredPendingOrdersOnce(t *testing.T) {
	f := newFixture(t, map[string]string{"ORDER_AUTO_CANCEL_AFTER": "1s"})
	expired := f.create(t, item(hat, 2))
	paid := f.create(t, item(hat, 1))
	if err := f.pay(paid.Sn); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond) // created_at has one-second precision
	fresh := f.create(t, item(hat, 1))

	// The deadline is the fresh order's own created_at: the two earlier orders are before it (the
	// sleep), the fresh one is not. time.Now()-After raced with a busy machine: a scan that ran
	// more than After past the fresh order's second cancelled it too.
	var freshAt time.Time
	if err := f.db.QueryRow("SELECT created_at FROM orders WHERE sn = ?", fresh.Sn).Scan(&freshAt); err != nil {
		t.Fatal(err)
	}
	cfg := f.svcCtx.Config.AutoCancel
	scan := func() int {
		n, err := f.svcCtx.Orders.CancelExpired(f.ctx, freshAt, cfg.Batch)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := scan(); n != 1 {
		t.Fatalf("first scan cancelled %d orders, want 1", n)
	}
	if n := scan(); n != 0 {
		t.Fatalf("second scan cancelled %d orders, want 0", n)
	}
	statuses := map[string]string{}
	for _, sn := range []string{expired.Sn, paid.Sn, fresh.Sn} {
		var s string
		_ = f.db.QueryRow("SELECT status FROM orders WHERE sn = ?", sn).Scan(&s)
		statuses[sn] = s
	}
	if statuses[expired.Sn] != model.StatusCancelled || statuses[paid.Sn] != model.StatusPaid || statuses[fresh.Sn] != model.StatusPending {
		t.Fatalf("statuses %v", statuses)
	}
	if got := f.stock(t, hat); got != 5-1-1 {
		t.Fatalf("cap stock %d, want 3", got)
	}
}

func TestListOrders_PagesNewestFirstAndFilters(t *testing.T) {
	f := newFixture(t, nil)
	var sns []string
	for range 5 {
		sns = append(sns, f.create(t, item(tee, 1)).Sn)
	}
	if _, err := NewCancelOrderLogic(f.ctx, f.svcCtx).CancelOrder(&order.CancelOrderReq{Sn: sns[0], UserId: buyer}); err != nil {
		t.Fatal(err)
	}
	l := NewListOrdersLogic(f.ctx, f.svcCtx)
	page1, err := l.ListOrders(&order.ListOrdersReq{UserId: buyer, Page: 1, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if page1.Total != 5 || len(page1.Items) != 2 || page1.Items[0].Sn != sns[4] || page1.Items[1].Sn != sns[3] {
		t.Fatalf("page 1: total %d, %d items", page1.Total, len(page1.Items))
	}
	if len(page1.Items[0].Items) != 1 {
		t.Errorf("listed order without its lines")
	}
	page3, _ := l.ListOrders(&order.ListOrdersReq{UserId: buyer, Page: 3, PageSize: 2})
	if len(page3.Items) != 1 || page3.Items[0].Sn != sns[0] {
		t.Fatalf("page 3: %+v", page3.Items)
	}
	cancelled, _ := l.ListOrders(&order.ListOrdersReq{UserId: buyer, Status: order.OrderStatus_ORDER_STATUS_CANCELLED})
	if cancelled.Total != 1 || cancelled.Items[0].Sn != sns[0] {
		t.Fatalf("cancelled filter: %+v", cancelled)
	}
	other, _ := l.ListOrders(&order.ListOrdersReq{UserId: buyer + 1})
	if other.Total != 0 || len(other.Items) != 0 {
		t.Fatalf("another user sees %d orders", other.Total)
	}
}

func TestAutoCancel_LeavesAnOrderHeldForItsPayment(t *testing.T) {
	f := newFixture(t, map[string]string{"ORDER_AUTO_CANCEL_AFTER": "1s"})
	held := f.create(t, item(hat, 1))
	lapsed := f.create(t, item(hat, 1))
	hold := func(sn string, until time.Time) error {
		_, err := NewHoldForPaymentLogic(f.ctx, f.svcCtx).HoldForPayment(&order.HoldForPaymentReq{Sn: sn, UserId: buyer, Until: until.UnixMilli()})
		return err
	}
	if err := hold(held.Sn, time.Now().Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := hold(lapsed.Sn, time.Now().Add(-time.Second)); err != nil { // a hold that has run out
		t.Fatal(err)
	}
	if err := hold(held.Sn, time.Now()); err != nil { // a hold is never shortened
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond) // created_at has one-second precision
	n, err := f.svcCtx.Orders.CancelExpired(f.ctx, time.Now().Add(-time.Second), 100)
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[string]string{}
	for _, sn := range []string{held.Sn, lapsed.Sn} {
		var s string
		_ = f.db.QueryRow("SELECT status FROM orders WHERE sn = ?", sn).Scan(&s)
		statuses[sn] = s
	}
	if n != 1 || statuses[held.Sn] != model.StatusPending || statuses[lapsed.Sn] != model.StatusCancelled {
		t.Fatalf("cancelled %d; held order %s, lapsed hold %s", n, statuses[held.Sn], statuses[lapsed.Sn])
	}
	// The payment's outcome decides: paying the held order works, holding a settled one does not.
	if err := f.pay(held.Sn); err != nil {
		t.Fatal(err)
	}
	if err := hold(held.Sn, time.Now().Add(time.Hour)); !errors.Is(err, xerr.ErrOrderNotPayable) {
		t.Fatalf("hold of a paid order: %v", err)
	}
	if err := hold(lapsed.Sn, time.Now().Add(time.Hour)); !errors.Is(err, xerr.ErrOrderNotPayable) {
		t.Fatalf("hold of a cancelled order: %v", err)
	}
	_, err = NewHoldForPaymentLogic(f.ctx, f.svcCtx).HoldForPayment(&order.HoldForPaymentReq{Sn: held.Sn, UserId: buyer + 1, Until: time.Now().UnixMilli()})
	if !errors.Is(err, xerr.ErrOrderNotFound) {
		t.Fatalf("hold of someone else's order: %v", err)
	}
}

func TestIdempotencyKey_ComparesExactlyAndExpires(t *testing.T) {
	f := newFixture(t, map[string]string{"ORDER_IDEMPOTENCY_KEY_TTL": "2s"})
	create := func(key string) *order.OrderInfo {
		t.Helper()
		o, err := NewCreateOrderLogic(f.ctx, f.svcCtx).CreateOrder(&order.CreateOrderReq{UserId: buyer, Items: []*order.ItemReq{item(tee, 1)}, IdempotencyKey: key})
		if err != nil {
			t.Fatalf("create with key %q: %v", key, err)
		}
		return o
	}
	first := create("cart-A")
	if again := create("cart-A"); again.Sn != first.Sn {
		t.Fatalf("same key made a second order %s", again.Sn)
	}
	if other := create("cart-a"); other.Sn == first.Sn {
		t.Fatalf("keys that differ in case share order %s", first.Sn)
	}
	time.Sleep(3100 * time.Millisecond) // past the TTL; created_at has one-second precision
	// The key is forgotten (its record, still cached, is recognised as expired by its time): the
	// same key makes a new order, and is remembered again.
	later := create("cart-A")
	if later.Sn == first.Sn {
		t.Fatal("an expired key returned its old order")
	}
	if again := create("cart-A"); again.Sn != later.Sn {
		t.Fatalf("the renewed key made another order %s", again.Sn)
	}
	if got := f.stock(t, tee); got != 500-3 {
		t.Fatalf("tee stock %d, want 497 (three orders)", got)
	}
	// The purge deletes expired keys only.
	n, err := f.svcCtx.Orders.PurgeExpiredKeys(f.ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	rows, err := f.db.Query("SELECT idempotency_key FROM order_idempotency")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		left = append(left, k)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 1 || len(left) != 1 || left[0] != "cart-A" {
		t.Fatalf("purged %d, left %v; want 1 purged and [cart-A] left", n, left)
	}
}
