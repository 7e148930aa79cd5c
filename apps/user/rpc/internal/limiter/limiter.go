// Package limiter counts attempts in fixed windows on Redis for login and registration. go-zero's
// periodlimit cannot tell how long a blocked caller must wait, nor forget a key.
//
// When Redis cannot answer, a Window counts in this process instead, with the same quota and
// period: limits then hold per instance (n instances allow up to n times the quota) rather than
// not at all, and counts start afresh when Redis is back.
package limiter

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/core/timex"
)

// takeScript counts one attempt and returns {count, milliseconds left in the window}. It is sent
// with EVAL every time: EVALSHA answers NOSCRIPT until the script is cached (after every Redis
// restart), and go-zero's breaker counts each NOSCRIPT as a failure, so a burst of first calls
// tripped it.
const takeScript = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`

const (
	// callBudget bounds a Redis call (go-redis retries a dead server with backoff). It is generous
	// because a limiter that cannot answer falls back to one instance's counts.
	callBudget = time.Second
	// bypassFor is how long a Window counts in process without asking Redis after a call failed,
	// so an outage costs one slow call a second, not one per attempt.
	bypassFor = time.Second
)

// Store is one Redis shared by Windows: when a call to it fails, all of them count in process
// for bypassFor, so an outage costs one slow call a second, not one per Window.
type Store struct {
	rds         *redis.Redis
	bypassUntil atomic.Int64
}

// NewStore returns a Store on rds.
func NewStore(rds *redis.Redis) *Store {
	return &Store{rds: rds}
}

// Window returns a Window on s whose keys are prefix+key.
func (s *Store) Window(prefix string, quota int, period time.Duration) *Window {
	return &Window{store: s, rds: s.rds, prefix: prefix, Quota: quota, Period: period, local: newCounts()}
}

// New returns a Window with a Store of its own.
func New(rds *redis.Redis, prefix string, quota int, period time.Duration) *Window {
	return NewStore(rds).Window(prefix, quota, period)
}

// Window allows Quota attempts per key in each Period.
type Window struct {
	store  *Store
	rds    *redis.Redis
	prefix string
	Quota  int
	Period time.Duration
	local  *counts
}

// Take counts an attempt. It returns how long the caller must wait when the attempt is over
// the quota, or 0 when it is allowed. It fails only when ctx ends.
func (w *Window) Take(ctx context.Context, key string) (time.Duration, error) {
	if w.onRedis() {
		count, ttl, err := w.takeRedis(ctx, key)
		if err == nil {
			return w.wait(count, ttl), nil
		}
		if ctx.Err() != nil {
			return 0, err
		}
		w.fallBack(err)
	}
	count, ttl := w.local.take(w.prefix+key, w.Period)
	return w.wait(count, ttl), nil
}

// Count tells how many attempts key has made in its current window.
func (w *Window) Count(ctx context.Context, key string) (int64, error) {
	if w.onRedis() {
		cctx, cancel := context.WithTimeout(ctx, callBudget)
		defer cancel()
		v, err := w.rds.GetCtx(cctx, w.prefix+key)
		if err == nil {
			if v == "" {
				return 0, nil
			}
			var n int64
			if _, err := fmt.Sscan(v, &n); err != nil {
				return 0, fmt.Errorf("limiter %s: count %q: %w", w.prefix, v, err)
			}
			return n, nil
		}
		if ctx.Err() != nil {
			return 0, err
		}
		w.fallBack(err)
	}
	return w.local.count(w.prefix + key), nil
}

// Mark records key as seen for a whole Period from now (a count of 1, however often it is
// marked).
func (w *Window) Mark(ctx context.Context, key string) error {
	if w.onRedis() {
		cctx, cancel := context.WithTimeout(ctx, callBudget)
		defer cancel()
		err := w.rds.SetexCtx(cctx, w.prefix+key, "1", int(w.Period/time.Second))
		if err == nil || ctx.Err() != nil {
			return err
		}
		w.fallBack(err)
	}
	w.local.mark(w.prefix+key, w.Period)
	return nil
}

// Reset forgets key's attempts.
func (w *Window) Reset(ctx context.Context, key string) error {
	w.local.forget(w.prefix + key)
	if !w.onRedis() {
		return nil
	}
	cctx, cancel := context.WithTimeout(ctx, callBudget)
	defer cancel()
	_, err := w.rds.DelCtx(cctx, w.prefix+key)
	if err != nil && ctx.Err() == nil {
		w.fallBack(err)
	}
	return err
}

func (w *Window) onRedis() bool {
	return timex.Now() >= time.Duration(w.store.bypassUntil.Load())
}

// fallBack switches every Window of the store to in-process counts for bypassFor; it logs once
// per switch.
func (w *Window) fallBack(err error) {
	until := int64(timex.Now() + bypassFor)
	b := &w.store.bypassUntil
	if old := b.Load(); timex.Now() < time.Duration(old) || !b.CompareAndSwap(old, until) {
		return
	}
	logx.Errorf("limiters: Redis unavailable, counting in this process for %s: %v", bypassFor, err)
}

func (w *Window) takeRedis(ctx context.Context, key string) (count, ttlMillis int64, err error) {
	cctx, cancel := context.WithTimeout(ctx, callBudget)
	defer cancel()
	res, err := w.rds.EvalCtx(cctx, takeScript, []string{w.prefix + key}, w.Period.Milliseconds())
	if err != nil {
		return 0, 0, fmt.Errorf("limiter %s: %w", w.prefix, err)
	}
	vals, ok := res.([]any)
	if !ok || len(vals) != 2 {
		return 0, 0, fmt.Errorf("limiter %s: unexpected reply %v", w.prefix, res)
	}
	count, _ = vals[0].(int64)
	ttlMillis, _ = vals[1].(int64)
	return count, ttlMillis, nil
}

// wait is how long an attempt numbered count must wait, ttlMillis before its window ends.
func (w *Window) wait(count, ttlMillis int64) time.Duration {
	if count <= int64(w.Quota) {
		return 0
	}
	if ttlMillis <= 0 { // no expiry (should not happen): wait a whole window
		return w.Period
	}
	return time.Duration(ttlMillis) * time.Millisecond
}
