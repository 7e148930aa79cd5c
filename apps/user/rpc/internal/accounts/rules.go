package accounts

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"zeromall/pkg/plaintext"
	"zeromall/pkg/xerr"
)

const (
	maxEmailLen    = 254
	minPasswordLen = 8
	maxPasswordLen = 72 // bcrypt ignores bytes past 72
	maxNicknameLen = 32
)

// normalizeEmail returns the canonical form of an address: trimmed, lower-case ASCII, a plain
// addr-spec. Only ASCII is accepted: the form is then the same bytes for every way of typing the
// address, and the users.email column compares bytes (utf8mb4_bin), so one account has one form
// and one set of limiter keys. Internationalized addresses (RFC 6531) are refused with a 400.
func normalizeEmail(raw string) (string, error) {
	email := strings.ToLower(strings.TrimSpace(raw))
	switch {
	case email == "":
		return "", xerr.Field("email", "is required")
	case strings.IndexFunc(email, func(r rune) bool { return r > unicode.MaxASCII }) >= 0 || !utf8.ValidString(email):
		return "", xerr.Field("email", "must be ASCII: internationalized addresses are not accepted")
	case len(email) > maxEmailLen:
		return "", xerr.Field("email", "must be at most 254 bytes")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" || !strings.Contains(email[strings.LastIndexByte(email, '@'):], ".") {
		return "", xerr.Field("email", "is not a valid address")
	}
	return email, nil
}

func checkPassword(password string) error {
	switch {
	case len(password) < minPasswordLen:
		return xerr.Field("password", "must be at least 8 bytes")
	case len(password) > maxPasswordLen:
		return xerr.Field("password", "must be at most 72 bytes")
	case !utf8.ValidString(password):
		return xerr.Field("password", "must be valid UTF-8")
	}
	return nil
}

// normalizeNickname trims a nickname and checks its length and characters (the rule of every
// text another user reads).
func normalizeNickname(raw string) (string, error) {
	return plaintext.Check("nickname", raw, maxNicknameLen)
}
