package accounts

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"zeromall/pkg/xerr"
)

// FuzzNormalizeEmail: any input is either a 400 about the email or a normalized address that is
// ASCII, lower-case, trimmed and within the column size.
func FuzzNormalizeEmail(f *testing.F) {
	for _, seed := range []string{"a@example.com", " A@B.CO ", "Eve <e@x.io>", "\xff@x.io", "", "a@b"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		email, err := normalizeEmail(raw)
		if err != nil {
			if !errors.Is(err, xerr.ErrBadRequest) {
				t.Fatalf("normalizeEmail(%q): %v is not a 400", raw, err)
			}
			return
		}
		if strings.IndexFunc(email, func(r rune) bool { return r > unicode.MaxASCII }) >= 0 || email != strings.ToLower(email) || email != strings.TrimSpace(email) ||
			len(email) > maxEmailLen || !strings.Contains(email, "@") {
			t.Fatalf("normalizeEmail(%q) accepted %q", raw, email)
		}
	})
}
