package orders

import (
	"context"
	"testing"
	"time"

	migrations "zeromall/deploy/sql"
	"zeromall/pkg/ids"
	"zeromall/pkg/testkit"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

func TestCreate_DrawsAnotherNumberWhenOneIsTaken(t *testing.T) {
	dsn := testkit.NewMigratedDSN(t, "order", migrations.For("order"))
	s := New(sqlx.NewMysql(dsn), time.Hour, testkit.StartRedis(t).CacheConf())
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
