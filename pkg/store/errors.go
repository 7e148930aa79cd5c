// errors.go classifies MySQL errors so logic can turn them into business errors.

package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/zeromicro/go-zero/core/breaker"
)

const (
	errDupEntry        = 1062
	errLockWaitTimeout = 1205
	errDeadlock        = 1213
)

// IsDuplicateOf reports whether err is a violation of the named unique key.
func IsDuplicateOf(err error, key string) bool {
	var me *mysql.MySQLError
	// MariaDB says "for key 'uk_x'", MySQL 8 "for key 'table.uk_x'".
	return errors.As(err, &me) && me.Number == errDupEntry &&
		(strings.Contains(me.Message, "'"+key+"'") || strings.Contains(me.Message, "."+key+"'"))
}

// IsDuplicate reports whether err is a unique-key violation.
func IsDuplicate(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == errDupEntry
}

// IsRetryable reports whether a transaction failed only because it lost a lock race (deadlock
// or lock wait timeout): running it again from the start is safe and likely to succeed.
func IsRetryable(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == errDeadlock || me.Number == errLockWaitTimeout)
}

// IsUnavailable reports whether err says that MySQL or Redis could not be reached or did not
// answer in time (an open breaker, a refused, reset or lost connection, a network timeout, a
// deadline), or that a transaction lost a lock race: not that a statement was refused. What
// failed so may succeed unchanged later.
func IsUnavailable(err error) bool {
	var netErr net.Error
	switch {
	case err == nil:
		return false
	case errors.Is(err, breaker.ErrServiceUnavailable), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, mysql.ErrInvalidConn),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.As(err, &netErr):
		return true
	}
	return IsRetryable(err)
}

// RetryLockRaces runs fn, and again (attempts in all) while it fails only because its
// transaction lost a lock race: a deadlock, a lock wait timeout, or a Galera certification
// conflict, which MariaDB reports as a deadlock. Each attempt must be a whole transaction; the
// pause before the next grows by 5 ms.
func RetryLockRaces(ctx context.Context, attempts int, fn func() error) error {
	var err error
	for attempt := range attempts {
		if err = fn(); err == nil || !IsRetryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
	return err
}
