package sessions

import (
	"strings"
	"testing"
)

// These need no server: the refresh token's format is checked before anything is read.

const testSecret = "a test secret of at least 32 bytes"

func TestRefreshToken_RoundTripsItsSessionID(t *testing.T) {
	sid := strings.Repeat("ab", sessionIDLen/2)
	key := newTagKey(testSecret)
	tok, err := key.newRefreshToken(sid)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := parseRefreshToken(tok)
	if !ok || got.sessionID != sid {
		t.Fatalf("parseRefreshToken(%q) = %+v, %v; want session %q", tok, got, ok, sid)
	}
	if !key.issued(got) {
		t.Fatal("a token the key tagged is not recognised as issued")
	}
	if newTagKey(testSecret + "x").issued(got) {
		t.Fatal("another key recognises the token as its own")
	}
	other, _ := key.newRefreshToken(sid)
	if other == tok {
		t.Fatal("two refresh tokens of one session are equal: the secret is not random")
	}
}

func TestParseRefreshToken_RefusesMalformedTokens(t *testing.T) {
	sid := strings.Repeat("0f", sessionIDLen/2)
	good, _ := newTagKey(testSecret).newRefreshToken(sid)
	_, rest, _ := strings.Cut(good, ".")
	secret, tag, _ := strings.Cut(rest, ".")
	for name, tok := range map[string]string{
		"empty":                        "",
		"no separator":                 sid + secret,
		"short session id":             sid[1:] + "." + secret,
		"upper-case session id":        strings.ToUpper(sid) + "." + secret,
		"not hex":                      strings.Repeat("zz", sessionIDLen/2) + "." + secret,
		"short secret":                 sid + "." + secret[1:],
		"secret not base64url":         sid + "." + strings.Repeat("*", refreshSecretLen),
		"an empty tag":                 sid + "." + secret + ".",
		"short tag":                    sid + "." + secret + "." + tag[1:],
		"tag not base64url":            sid + "." + secret + "." + strings.Repeat("*", refreshTagLen),
		"a fourth part":                sid + "." + secret + "." + tag + "." + tag,
		"an access token in its place": "eyJhbGciOiJIUzI1NiJ9.eyJ1aWQiOjF9.c2ln",
	} {
		if got, ok := parseRefreshToken(tok); ok {
			t.Errorf("%s: %q accepted as %+v", name, tok, got)
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
