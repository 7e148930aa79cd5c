// Package dberr classifies MySQL errors so logic can turn them into business errors.
package dberr

import (
	"errors"

	"github.com/go-sql-driver/mysql"
)

const errDupEntry = 1062

// IsDuplicate reports whether err is a unique-key violation.
func IsDuplicate(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == errDupEntry
}
