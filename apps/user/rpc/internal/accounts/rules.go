package accounts

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"zeromall/pkg/xerr"
)

const (
	maxEmailLen    = 254
	minPasswordLen = 8
	maxPasswordLen = 72 // bcrypt ignores bytes past 72
	maxNicknameLen = 32
)

// normalizeEmail lower-cases and trims an address and checks it is a plain addr-spec.
func normalizeEmail(raw string) (string, error) {
	if !utf8.ValidString(raw) { // before ToLower, which silently replaces invalid bytes
		return "", xerr.Field("email", "must be valid UTF-8")
	}
	email := strings.ToLower(strings.TrimSpace(raw))
	switch {
	case email == "":
		return "", xerr.Field("email", "is required")
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

// normalizeNickname trims a nickname and checks its length and characters.
func normalizeNickname(raw string) (string, error) {
	if !utf8.ValidString(raw) {
		return "", xerr.Field("nickname", "must be valid UTF-8")
	}
	nickname := strings.TrimSpace(raw)
	switch n := utf8.RuneCountInString(nickname); {
	case n == 0:
		return "", xerr.Field("nickname", "is required")
	case n > maxNicknameLen:
		return "", xerr.Field("nickname", "must be at most 32 characters")
	}
	for _, r := range nickname {
		if unicode.IsControl(r) {
			return "", xerr.Field("nickname", "must not contain control characters")
		}
	}
	return nickname, nil
}
