package sessions

import (
	"strings"
	"testing"
)

// These need no server: the refresh token's format is checked before anything is read.

func TestRefreshToken_RoundTripsItsSessionID(t *testing.T) {
	sid := strings.Repeat("ab", sessionIDLen/2)
	tok, err := newRefreshToken(sid)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := parseRefreshToken(tok); !ok || got != sid {
		t.Fatalf("parseRefreshToken(%q) = %q, %v; want %q", tok, got, ok, sid)
	}
	other, _ := newRefreshToken(sid)
	if other == tok {
		t.Fatal("two refresh tokens of one session are equal: the secret is not random")
	}
}

func TestParseRefreshToken_RefusesMalformedTokens(t *testing.T) {
	sid := strings.Repeat("0f", sessionIDLen/2)
	good, _ := newRefreshToken(sid)
	_, secret, _ := strings.Cut(good, ".")
	for name, tok := range map[string]string{
		"empty":                        "",
		"no separator":                 sid + secret,
		"short session id":             sid[1:] + "." + secret,
		"upper-case session id":        strings.ToUpper(sid) + "." + secret,
		"not hex":                      strings.Repeat("zz", sessionIDLen/2) + "." + secret,
		"short secret":                 sid + "." + secret[1:],
		"secret not base64url":         sid + "." + strings.Repeat("*", refreshSecretLen),
		"a second separator":           sid + "." + secret[:refreshSecretLen-1] + ".",
		"an access token in its place": "eyJhbGciOiJIUzI1NiJ9.eyJ1aWQiOjF9.c2ln",
	} {
		if got, ok := parseRefreshToken(tok); ok {
			t.Errorf("%s: %q accepted as session %q", name, tok, got)
		}
	}
}

func TestHashToken_IsStableAndComparedWhole(t *testing.T) {
	a, b := hashToken("token-a"), hashToken("token-b")
	if a != hashToken("token-a") || len(a) != 64 {
		t.Fatalf("hash %q is not a stable SHA-256 hex", a)
	}
	if !sameHash(a, a) || sameHash(a, b) || sameHash(a, a[:63]) {
		t.Fatal("sameHash compares wrongly")
	}
}
