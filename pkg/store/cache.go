// cache.go keeps goctl's cache-aside models answering when Redis does not: a goctl cached
// read fails outright if Redis is down (it never falls back to MySQL), so custom model methods
// wrap their cached reads with ReadCached.

package store

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"zeromall/pkg/metric"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
	"github.com/zeromicro/go-zero/core/timex"
)

const (
	// cachedBudget bounds a cached read. go-redis retries a failed command three times with
	// backoff (go-zero does not let us change that), so a read through a Redis that just died
	// can take a second. A healthy cached read, even a miss that queries MySQL by key, takes
	// milliseconds; past the budget MySQL is asked directly.
	cachedBudget = 300 * time.Millisecond
	// bypassFor is how long reads skip Redis after a failed cached read: one probe per window.
	bypassFor = time.Second
)

var (
	bypassUntil atomic.Int64 // timex.Now() value until which reads go straight to MySQL

	// Through pkg/metric, not go-zero's metric package, so both series exist at 0 from the start:
	// a healthy process shows no fallbacks, not no data.
	fallbacks = metric.CounterVec("cache", "fallback_total",
		"cached reads answered by MySQL because Redis failed or was bypassed", "reason")
	bypassed = fallbacks.WithLabelValues("bypass")
	failed   = fallbacks.WithLabelValues("error")
)

// ReadCached returns cached(); when that fails with anything but not-found (Redis unreachable, its
// breaker open), it returns direct(), the same query straight to MySQL, whose own breaker
// bounds the extra load, and sends the reads of the next second straight to MySQL as well.
// cached gets a context bounded by cachedBudget.
func ReadCached[T any](ctx context.Context, cached func(ctx context.Context) (T, error), direct func() (T, error)) (T, error) {
	if now := timex.Now(); now < time.Duration(bypassUntil.Load()) {
		bypassed.Inc()
		return direct()
	}
	cctx, cancel := context.WithTimeout(ctx, cachedBudget)
	v, err := cached(cctx)
	cancel()
	if err == nil || errors.Is(err, sqlx.ErrNotFound) {
		return v, err
	}
	if ctx.Err() != nil {
		return v, err // the caller gave up, not Redis
	}
	bypassUntil.Store(int64(timex.Now() + bypassFor))
	failed.Inc()
	logx.WithContext(ctx).Errorf("cache read failed, reading MySQL directly for %s: %v", bypassFor, err)
	return direct()
}
