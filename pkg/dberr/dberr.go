// Package dberr classifies MySQL errors so logic can turn them into business errors.
package dberr

import (
	"errors"
	"strings"

	"github.com/go-sql-driver/mysql"
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
