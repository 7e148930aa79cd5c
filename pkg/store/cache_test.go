package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

func TestRead(t *testing.T) {
	ctx := context.Background()
	direct := func() (string, error) { return "mysql", nil }
	hit := func(context.Context) (string, error) { return "redis", nil }
	if got, err := ReadCached(ctx, hit, direct); got != "redis" || err != nil {
		t.Fatalf("hit: %q, %v", got, err)
	}
	if _, err := ReadCached(ctx, func(context.Context) (string, error) { return "", sqlx.ErrNotFound }, direct); !errors.Is(err, sqlx.ErrNotFound) {
		t.Fatalf("not found is an answer, not an outage: %v", err)
	}

	var cachedCalls int
	down := func(context.Context) (string, error) {
		cachedCalls++
		return "", errors.New("dial tcp: connection refused")
	}
	if got, err := ReadCached(ctx, down, direct); got != "mysql" || err != nil {
		t.Fatalf("redis down: %q, %v", got, err)
	}
	// Within the bypass window Redis is not asked again.
	for range 5 {
		if got, _ := ReadCached(ctx, down, direct); got != "mysql" {
			t.Fatalf("bypassed read: %q", got)
		}
	}
	if cachedCalls != 1 {
		t.Fatalf("a dead Redis was asked %d times within the bypass window, want 1", cachedCalls)
	}
	bypassUntil.Store(0)
}

func TestRead_SlowCacheFallsBackWithinBudget(t *testing.T) {
	defer bypassUntil.Store(0)
	slow := func(ctx context.Context) (string, error) {
		<-ctx.Done() // a Redis that does not answer
		return "", ctx.Err()
	}
	start := time.Now()
	got, err := ReadCached(context.Background(), slow, func() (string, error) { return "mysql", nil })
	if got != "mysql" || err != nil || time.Since(start) > 2*cachedBudget {
		t.Fatalf("%q, %v after %s", got, err, time.Since(start))
	}
}
