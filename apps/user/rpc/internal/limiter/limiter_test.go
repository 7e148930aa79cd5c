package limiter

import (
	"context"
	"testing"
	"time"

	"zeromall/pkg/testkit"

	"github.com/zeromicro/go-zero/core/stores/redis"
)

func TestWindow_TakeBlockedReset(t *testing.T) {
	r := testkit.StartRedis(t)
	rds := redis.MustNewRedis(redis.RedisConf{Host: r.Addr, Type: redis.NodeType})
	w := New(rds, "test:", 2, time.Minute)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if wait, err := w.Blocked(ctx, "k"); err != nil || wait != 0 {
			t.Fatalf("blocked before attempt %d: %v %v", i+1, wait, err)
		}
		if wait, err := w.Take(ctx, "k"); err != nil || wait != 0 {
			t.Fatalf("attempt %d: %v %v", i+1, wait, err)
		}
	}
	if wait, err := w.Blocked(ctx, "k"); err != nil || wait <= 50*time.Second || wait > time.Minute {
		t.Fatalf("after the quota: blocked for %v (%v), want most of a minute", wait, err)
	}
	if wait, _ := w.Take(ctx, "k"); wait == 0 {
		t.Fatal("attempt over the quota allowed")
	}
	if wait, _ := w.Take(ctx, "other"); wait != 0 {
		t.Fatal("another key is limited")
	}
	if err := w.Reset(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if wait, _ := w.Blocked(ctx, "k"); wait != 0 {
		t.Fatal("still blocked after Reset")
	}
}
