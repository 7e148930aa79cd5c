package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"zeromall/pkg/confx"
	"zeromall/pkg/xerr"

	"github.com/go-sql-driver/mysql"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/redis"
)

func TestCheck_NamesTheVariableOfEachProblem(t *testing.T) {
	var c Config
	c.Cache = cache.CacheConf{{RedisConf: redis.RedisConf{Host: "127.0.0.1:6379", Type: "node"}, Weight: 100}}
	err := c.Check(confx.Production, "ORDER_DB_DSN")
	if err == nil {
		t.Fatal("an empty DSN and a Redis without password pass in production")
	}
	for _, want := range []string{"ORDER_DB_DSN", "REDIS_PASSWORD", "DB.DataSource is empty"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not mention %s", err, want)
		}
	}
	c.DB.DataSource = "root:@tcp(127.0.0.1:3306)/zeromall_order"
	if err := c.Check(confx.Development, "ORDER_DB_DSN"); err != nil {
		t.Errorf("development refuses the local defaults: %v", err)
	}
	// The invalidation journal deletes in one Redis: go-zero's client-side sharding is refused.
	c.Cache = append(c.Cache, c.Cache[0])
	if err := c.Check(confx.Development, "ORDER_DB_DSN"); err == nil || !strings.Contains(err.Error(), "2 entries in Cache") {
		t.Errorf("two cache nodes: %v", err)
	}
}

func TestAnswered_BusinessRefusalsAndDuplicatesDoNotTripTheBreaker(t *testing.T) {
	dup := fmt.Errorf("record idempotency key: %w", &mysql.MySQLError{Number: 1062, Message: "Duplicate entry"})
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{xerr.ErrOutOfStock.WithMsg("out of stock: mug"), true},
		{fmt.Errorf("move: %w", xerr.ErrIllegalTransition), true},
		{dup, true},
		{errors.New("invalid connection"), false},
		{&mysql.MySQLError{Number: 1205, Message: "Lock wait timeout exceeded"}, false},
	} {
		if got := answered(tc.err); got != tc.want {
			t.Errorf("answered(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
