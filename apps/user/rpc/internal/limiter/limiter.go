// Package limiter counts attempts in fixed windows on Redis for login and registration. go-zero's
// periodlimit cannot tell how long a blocked caller must wait, nor forget a key.
package limiter

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

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
	// because a limiter that cannot answer fails open: a busy Redis must not wave guesses through.
	callBudget = time.Second
	// bypassFor is how long a Window fails open without asking Redis after a call failed, so an
	// outage costs one slow call a second, not one per attempt.
	bypassFor = time.Second
)

// ErrUnavailable is Take's error while Redis is being bypassed after a failure.
var ErrUnavailable = errors.New("limiter: redis unavailable")

// Window allows Quota attempts per key in each Period.
type Window struct {
	rds         *redis.Redis
	prefix      string
	Quota       int
	Period      time.Duration
	bypassUntil atomic.Int64
}

// New returns a Window whose keys are prefix+key.
func New(rds *redis.Redis, prefix string, quota int, period time.Duration) *Window {
	return &Window{rds: rds, prefix: prefix, Quota: quota, Period: period}
}

// Take counts an attempt. It returns how long the caller must wait when the attempt is over
// the quota, or 0 when it is allowed.
func (w *Window) Take(ctx context.Context, key string) (time.Duration, error) {
	if timex.Now() < time.Duration(w.bypassUntil.Load()) {
		return 0, ErrUnavailable
	}
	cctx, cancel := context.WithTimeout(ctx, callBudget)
	defer cancel()
	res, err := w.rds.EvalCtx(cctx, takeScript, []string{w.prefix + key}, w.Period.Milliseconds())
	if err != nil {
		if ctx.Err() == nil {
			w.bypassUntil.Store(int64(timex.Now() + bypassFor))
		}
		return 0, fmt.Errorf("limiter %s: %w", w.prefix, err)
	}
	vals, ok := res.([]any)
	if !ok || len(vals) != 2 {
		return 0, fmt.Errorf("limiter %s: unexpected reply %v", w.prefix, res)
	}
	count, _ := vals[0].(int64)
	ttl, _ := vals[1].(int64)
	if count <= int64(w.Quota) {
		return 0, nil
	}
	if ttl <= 0 { // no expiry (should not happen): wait a whole window
		return w.Period, nil
	}
	return time.Duration(ttl) * time.Millisecond, nil
}

// Reset forgets key's attempts.
func (w *Window) Reset(ctx context.Context, key string) error {
	if timex.Now() < time.Duration(w.bypassUntil.Load()) {
		return ErrUnavailable
	}
	ctx, cancel := context.WithTimeout(ctx, callBudget)
	defer cancel()
	_, err := w.rds.DelCtx(ctx, w.prefix+key)
	return err
}
