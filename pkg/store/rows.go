// rows.go has two small helpers the hand-written SQL of the models and of pkg/events share.

package store

import (
	"database/sql"
	"strings"
)

// AffectedOne reports whether a statement changed exactly one row: a conditional update that
// found its row in the state it expected.
func AffectedOne(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Truncate cuts s to a column of n bytes, never inside a character.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
