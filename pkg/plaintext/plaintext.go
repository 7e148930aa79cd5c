// Package plaintext checks the short free texts people type and others read (nicknames, product
// titles, reasons): printable characters only, so no control, bidi-override or zero-width
// character can reorder, hide or forge what another user or an operator sees.
package plaintext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"zeromall/pkg/xerr"
)

// Check trims s and accepts 1 to maxLen printable characters of UTF-8 (letters, marks, numbers,
// punctuation, symbols and the ASCII space); anything else is a 400 naming field.
func Check(field, s string, maxLen int) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", xerr.Field(field, "is required")
	case !utf8.ValidString(s):
		return "", xerr.Field(field, "must be UTF-8")
	case utf8.RuneCountInString(s) > maxLen:
		return "", xerr.Field(field, fmt.Sprintf("must be at most %d characters", maxLen))
	case strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		return "", xerr.Field(field, "must not contain control, bidi or zero-width characters")
	}
	return s, nil
}
