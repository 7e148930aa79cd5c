package limiter

import (
	"context"
	"testing"
	"time"

	"zeromall/pkg/testkit"

	"github.com/zeromicro/go-zero/core/stores/redis"
)

func TestWindow_TakeAndReset(t *testing.T) {
	r := testkit.StartRedis(t)
	rds := redis.MustNewRedis(redis.RedisConf{Host: r.Addr, Type: redis.NodeType, DisableIdentity: true})
	w := New(rds, "test:", 2, time.Minute)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if wait, err := w.Take(ctx, "k"); err != nil || wait != 0 {
			t.Fatalf("attempt %d: %v %v", i+1, wait, err)
		}
	}
	if wait, err := w.Take(ctx, "k"); err != nil || wait <= 50*time.Second || wait > time.Minute {
		t.Fatalf("attempt over the quota: wait %v (%v), want most of a minute", wait, err)
	}
	if wait, _ := w.Take(ctx, "other"); wait != 0 {
		t.Fatal("another key is limited")
	}
	if err := w.Reset(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if wait, _ := w.Take(ctx, "k"); wait != 0 {
		t.Fatal("still limited after Reset")
	}
}

// Concurrent attempts are counted one by one: no more than the quota get through together.
func TestWindow_ConcurrentAttemptsNeverExceedTheQuota(t *testing.T) {
	r := testkit.StartRedis(t)
	w := New(redis.MustNewRedis(redis.RedisConf{Host: r.Addr, Type: redis.NodeType, DisableIdentity: true}), "test:", 5, time.Minute)
	allowed := make(chan bool, 50)
	for range 50 {
		go func() {
			wait, err := w.Take(context.Background(), "k")
			allowed <- err == nil && wait == 0
		}()
	}
	n := 0
	for range 50 {
		if <-allowed {
			n++
		}
	}
	if n != 5 {
		t.Fatalf("%d of 50 concurrent attempts allowed, want 5", n)
	}
}

// With Redis gone, the first attempt waits for it at most callBudget; the rest of the second
// fails open at once.
func TestWindow_RedisDownFailsFast(t *testing.T) {
	r := testkit.StartRedis(t)
	w := New(redis.MustNewRedis(redis.RedisConf{Host: r.Addr, Type: redis.NodeType, DisableIdentity: true}), "test:", 5, time.Minute)
	r.Stop()
	start := time.Now()
	for i := 0; i < 20; i++ {
		if _, err := w.Take(context.Background(), "k"); err == nil {
			t.Fatal("a dead Redis counted an attempt")
		}
	}
	if took := time.Since(start); took > callBudget+500*time.Millisecond {
		t.Fatalf("20 attempts against a dead Redis took %s", took)
	}
}
