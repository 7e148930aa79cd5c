// Package cachex keeps goctl's cache-aside models answering when Redis does not: a goctl cached
// read fails outright if Redis is down (it never falls back to MySQL), so custom model methods
// wrap their cached reads with Read.
package cachex

import (
	"context"
	"errors"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Read returns cached(); when that fails with anything but not-found (Redis unreachable, its
// breaker open), it returns direct(), the same query straight to MySQL, whose own breaker
// bounds the extra load. A MySQL failure inside cached() is simply tried once more by direct().
func Read[T any](ctx context.Context, cached, direct func() (T, error)) (T, error) {
	v, err := cached()
	if err == nil || errors.Is(err, sqlx.ErrNotFound) {
		return v, err
	}
	logx.WithContext(ctx).Errorf("cache read failed, reading MySQL directly: %v", err)
	return direct()
}
