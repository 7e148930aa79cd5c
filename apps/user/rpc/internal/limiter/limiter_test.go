package limiter

import (
	"context"
	"fmt"
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

// With Redis gone, the first attempt waits for it at most callBudget; the others are counted in
// process at once, against the same quota, and Count and Reset work there too.
func TestWindow_RedisDownCountsInProcess(t *testing.T) {
	r := testkit.StartRedis(t)
	w := New(redis.MustNewRedis(redis.RedisConf{Host: r.Addr, Type: redis.NodeType, DisableIdentity: true}), "test:", 5, time.Minute)
	r.Stop()
	ctx := context.Background()
	start := time.Now()
	allowed := 0
	for range 20 {
		wait, err := w.Take(ctx, "k")
		if err != nil {
			t.Fatalf("Take with Redis down: %v", err)
		}
		if wait == 0 {
			allowed++
		} else if wait < 50*time.Second || wait > time.Minute {
			t.Fatalf("wait %v, want most of a minute", wait)
		}
	}
	if took := time.Since(start); took > callBudget+500*time.Millisecond {
		t.Fatalf("20 attempts against a dead Redis took %s", took)
	}
	if allowed != 5 {
		t.Fatalf("%d of 20 attempts allowed with Redis down, want the quota of 5", allowed)
	}
	if n, err := w.Count(ctx, "k"); err != nil || n != 20 {
		t.Fatalf("Count %d (%v), want 20", n, err)
	}
	_ = w.Reset(ctx, "k")
	if wait, _ := w.Take(ctx, "k"); wait != 0 {
		t.Fatal("still limited after Reset")
	}
}

// The in-process counts are bounded: past maxLocalKeys live windows, new keys are refused.
func TestCounts_BoundedMemory(t *testing.T) {
	c := newCounts()
	for i := range maxLocalKeys {
		c.take(fmt.Sprint(i), time.Minute)
	}
	if n, _ := c.take("one-more", time.Minute); n <= 5 {
		t.Fatalf("a new key past the bound was counted %d, want refused", n)
	}
	if n, _ := c.take("7", time.Minute); n != 2 {
		t.Fatalf("a known key counted %d, want 2", n)
	}
}

func TestWindow_MarkAndCount(t *testing.T) {
	r := testkit.StartRedis(t)
	w := New(redis.MustNewRedis(redis.RedisConf{Host: r.Addr, Type: redis.NodeType, DisableIdentity: true}), "known:", 1, time.Hour)
	ctx := context.Background()
	if n, err := w.Count(ctx, "a"); err != nil || n != 0 {
		t.Fatalf("unmarked: %d %v", n, err)
	}
	for range 3 {
		if err := w.Mark(ctx, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := w.Count(ctx, "a"); err != nil || n != 1 {
		t.Fatalf("marked three times: %d %v, want 1", n, err)
	}
}
