package orders

import (
	"context"
	"testing"
	"time"

	"zeromall/apps/order/model/migrations"
	"zeromall/pkg/ids"
	"zeromall/pkg/store"
	"zeromall/pkg/testkit"

	"github.com/go-sql-driver/mysql"
	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

func TestCreate_DrawsAnotherNumberWhenOneIsTaken(t *testing.T) {
	dsn := testkit.NewMigratedDSN(t, "order", migrations.Files)
	db, r := store.NewConn(dsn), testkit.StartRedis(t)
	s := New(db, tablesOn(db, r.CacheConf()), time.Hour, r.Journal(db), eventsOn(db))
	taken := ids.NewSN(time.Now())
	fresh := ids.NewSN(time.Now().Add(time.Second))
	draws := []string{taken, taken, fresh}
	s.newSN = func(time.Time) string {
		sn := draws[0]
		draws = draws[1:]
		return sn
	}
	ctx := context.Background()
	first, err := s.Create(ctx, 7, []Line{{ProductID: 1, Quantity: 1}}, "")
	if err != nil || first.Sn != taken {
		t.Fatalf("first order %v, %v", first, err)
	}
	second, err := s.Create(ctx, 7, []Line{{ProductID: 1, Quantity: 2}}, "")
	if err != nil {
		t.Fatalf("second order with a taken number: %v", err)
	}
	if second.Sn != fresh || len(draws) != 0 {
		t.Fatalf("second order %s, want %s after a redraw", second.Sn, fresh)
	}
	var stock int64
	if err := sqlx.NewMysql(dsn).QueryRowCtx(ctx, &stock, "select stock from products where id = 1"); err != nil {
		t.Fatal(err)
	}
	if stock != 500-3 {
		t.Fatalf("stock %d, want 497: the collided attempt must have rolled back", stock)
	}
}

// A buyer who hangs up right after the commit must not leave the cache stale: the cached
// product (and, for a cancel, the cached order) is gone when the call returns, not when go-zero's
// in-memory retry gets to it seconds later.
func TestPostCommitWork_SurvivesTheCallerGoingAway(t *testing.T) {
	dsn := testkit.NewMigratedDSN(t, "order", migrations.Files)
	rds := testkit.StartRedis(t)
	db := store.NewConn(dsn)
	s := New(db, tablesOn(db, rds.CacheConf()), time.Hour, rds.Journal(db), eventsOn(db))
	cached := func(key string) bool {
		t.Helper()
		n, err := redis.MustNewRedis(rds.Conf()).Exists(key)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	bg := context.Background()
	before, err := s.Product(bg, 1) // now cached
	if err != nil || !cached("cache:order:products:id:1") {
		t.Fatalf("product 1 not cached: %v, %v", before, err)
	}

	ctx, hangUp := context.WithCancel(bg)
	s.committed = hangUp
	o, err := s.Create(ctx, 7, []Line{{ProductID: 1, Quantity: 2}}, "")
	if err != nil {
		t.Fatalf("create with the caller gone after the commit: %v", err)
	}
	if ctx.Err() == nil {
		t.Fatal("the caller was not gone after the commit: the test proves nothing")
	}
	if cached("cache:order:products:id:1") {
		t.Fatal("the product's cached row survived the order")
	}
	after, err := s.Product(bg, 1)
	if err != nil || after.Stock != before.Stock-2 {
		t.Fatalf("stock read after the order: %v, %v; want %d", after, err, before.Stock-2)
	}
	// What Create answered without reading back is what a read returns.
	s.committed = nil
	got, err := s.Get(bg, 7, o.Sn)
	if err != nil || got.ID != o.ID || !got.CreatedAt.Equal(o.CreatedAt) || got.TotalAmount != o.TotalAmount ||
		len(got.Items) != 1 || got.Items[0] != o.Items[0] {
		t.Fatalf("read back %+v, %v; Create answered %+v", got, err, o)
	}
	if !cached("cache:order:orders:sn:" + o.Sn) {
		t.Fatal("the order was not cached by the read")
	}

	ctx, hangUp = context.WithCancel(bg)
	s.committed = hangUp
	if _, err := s.Cancel(ctx, 7, o.Sn); err != nil && ctx.Err() == nil {
		t.Fatalf("cancel: %v", err)
	}
	if ctx.Err() == nil {
		t.Fatal("the caller was not gone after the cancel's commit")
	}
	if cached("cache:order:orders:sn:"+o.Sn) || cached("cache:order:products:id:1") {
		t.Fatal("the cancelled order or its product kept its cached row")
	}
	s.committed = nil
	if got, err := s.Get(bg, 7, o.Sn); err != nil || got.Status != Cancelled {
		t.Fatalf("order after the cancel: %v, %v", got, err)
	}
}

// A commit whose answer is lost (the writer node or the link died right then) leaves the caller
// not knowing whether the order exists. Repeating the call with the same idempotency key is what
// the gateway and clients do then; it must return the order the first call made, not a second one.
func TestCreate_RepeatedAfterACommitWhoseAnswerWasLost(t *testing.T) {
	dsn := testkit.NewMigratedDSN(t, "order", migrations.Files)
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	link := testkit.StartProxy(t, cfg.Addr)
	cfg.Addr = link.Addr
	db, r := sqlx.NewMysql(cfg.FormatDSN()), testkit.StartRedis(t)
	s := New(db, tablesOn(db, r.CacheConf()), time.Hour, r.Journal(db), eventsOn(db))
	ctx, lines := context.Background(), []Line{{ProductID: 1, Quantity: 2}}

	link.LoseNextCommitAnswer()
	if o, err := s.Create(ctx, 7, lines, "lost-answer"); err == nil {
		t.Fatalf("the commit's answer was lost, yet Create returned order %s: the test proves nothing", o.Sn)
	}
	again, err := s.Create(ctx, 7, lines, "lost-answer")
	if err != nil {
		t.Fatalf("repeat with the same key: %v", err)
	}

	direct := sqlx.NewMysql(dsn)
	var orders []string
	if err := direct.QueryRowsCtx(ctx, &orders, "select sn from orders where user_id = 7"); err != nil {
		t.Fatal(err)
	}
	if len(orders) != 1 || orders[0] != again.Sn {
		t.Fatalf("orders of buyer 7: %v, want only %s (the first call's, returned by the repeat)", orders, again.Sn)
	}
	var stock int64
	if err := direct.QueryRowCtx(ctx, &stock, "select stock from products where id = 1"); err != nil {
		t.Fatal(err)
	}
	if stock != 500-2 {
		t.Fatalf("stock %d, want 498: taken once", stock)
	}
}
