// Package ids makes public identifiers for orders and payments.
package ids

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"time"
)

const (
	snTimeLayout = "20060102150405"
	snRandDigits = 10
	// SNLen is the length of every serial number.
	SNLen = len(snTimeLayout) + snRandDigits
)

// NewSN returns a 24-digit serial number: the UTC time to the second, so numbers sort by
// creation, then 10 random digits from crypto/rand, so neighbours cannot be guessed. Callers
// keep a unique index and retry on the (1 in 10^10 per second) collision.
func NewSN(now time.Time) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("ids: crypto/rand failed: %v", err)) // the OS has no entropy: nothing sane to do
	}
	n := binary.BigEndian.Uint64(b[:]) % 1e10
	return fmt.Sprintf("%s%010d", now.UTC().Format(snTimeLayout), n)
}

// ValidSN reports whether s has the shape NewSN produces (24 digits starting with a real UTC
// time); it lets gateways reject garbage before a database round trip.
func ValidSN(s string) bool {
	if len(s) != SNLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	_, err := time.Parse(snTimeLayout, s[:len(snTimeLayout)])
	return err == nil
}
