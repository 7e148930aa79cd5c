package accounts

import (
	"errors"
	"strings"
	"testing"

	"zeromall/pkg/xerr"
)

func TestNormalizeEmail(t *testing.T) {
	ok := map[string]string{
		"a@example.com":             "a@example.com",
		"  Mixed.Case@Example.COM ": "mixed.case@example.com",
		"first+tag@sub.example.org": "first+tag@sub.example.org",
	}
	for in, want := range ok {
		got, err := normalizeEmail(in)
		if err != nil || got != want {
			t.Errorf("normalizeEmail(%q) = %q, %v", in, got, err)
		}
	}
	bad := []string{"", "   ", "plain", "a@b", "@example.com", "a@", "Eve <eve@example.com>", "a b@example.com",
		"a@example.com\x00", strings.Repeat("a", 250) + "@example.com", "\xff@example.com", "a@example.com, b@example.com",
		// Lookalikes of alice@example.com that utf8mb4_unicode_ci would match to her row.
		"àlice@example.com", "álice@example.com", "a\u0300lice@example.com", "ＡＬＩＣＥ@example.com", "alice@exämple.com"}
	for _, in := range bad {
		var ce *xerr.CodeError
		if _, err := normalizeEmail(in); !errors.As(err, &ce) || ce.Code != xerr.ErrBadRequest.Code || !strings.HasPrefix(ce.Msg, "email:") {
			t.Errorf("normalizeEmail(%q) = %v, want a 400 about email", in, err)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for _, p := range []string{"12345678", strings.Repeat("x", 72), "pässwörd"} {
		if err := checkPassword(p); err != nil {
			t.Errorf("checkPassword(%q): %v", p, err)
		}
	}
	for _, p := range []string{"", "1234567", strings.Repeat("x", 73), "abcdefg\xff"} {
		if err := checkPassword(p); !errors.Is(err, xerr.ErrBadRequest) {
			t.Errorf("checkPassword(%q) = %v", p, err)
		}
	}
}

func TestNormalizeNickname(t *testing.T) {
	if got, err := normalizeNickname("  Zoë  "); err != nil || got != "Zoë" {
		t.Errorf("got %q, %v", got, err)
	}
	if _, err := normalizeNickname(strings.Repeat("界", 32)); err != nil {
		t.Errorf("32 characters rejected: %v", err)
	}
	for _, n := range []string{"", "  ", strings.Repeat("界", 33), "a\nb", "\xffab", "evil\u202etxt.exe", "ad\u200bmin"} {
		if _, err := normalizeNickname(n); !errors.Is(err, xerr.ErrBadRequest) {
			t.Errorf("normalizeNickname(%q) = %v", n, err)
		}
	}
}
