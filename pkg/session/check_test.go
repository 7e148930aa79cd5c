package session

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"zeromall/pkg/xerr"

	"github.com/golang-jwt/jwt/v5"
)

const (
	secret = "0123456789abcdef0123456789abcdef"
	sid    = "0123456789abcdef0123456789abcdef"
)

func TestMint_IsVerifiedWithUIDAndSession(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	tok, err := Mint(secret, 42, sid, RoleCustomer, now, now.Add(15*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessExpire != now.Add(15*time.Minute).Unix() || tok.RefreshAfter != now.Add(7*time.Minute+30*time.Second).Unix() {
		t.Fatalf("expiry %d, refreshAfter %d", tok.AccessExpire, tok.RefreshAfter)
	}
	claims, err := NewVerifier(secret).Verify(tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if claims.UserID != 42 || claims.SessionID != sid {
		t.Fatalf("claims %+v", claims)
	}
	again, _ := Mint(secret, 42, sid, RoleCustomer, now, now.Add(time.Minute))
	if again.AccessToken == tok.AccessToken {
		t.Error("two tokens minted in the same second are identical")
	}
}

func TestVerify_RejectsEveryBadToken(t *testing.T) {
	now := time.Now()
	claims := func(mod func(*Claims)) *Claims {
		c := &Claims{UserID: 7, SessionID: sid, RegisteredClaims: jwt.RegisteredClaims{
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute))}}
		if mod != nil {
			mod(c)
		}
		return c
	}
	sign := func(m jwt.SigningMethod, key any, c *Claims) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := sign(jwt.SigningMethodHS256, []byte(secret), claims(nil))
	head, rest, _ := strings.Cut(good, ".")
	payload, _, _ := strings.Cut(rest, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + payload + "."

	cases := map[string]string{
		"empty":             "",
		"garbage":           "bad.token.here",
		"other secret":      sign(jwt.SigningMethodHS256, []byte("another-secret-0123456789abcdef!!"), claims(nil)),
		"alg none":          none,
		"HS384":             sign(jwt.SigningMethodHS384, []byte(secret), claims(nil)),
		"HS512":             sign(jwt.SigningMethodHS512, []byte(secret), claims(nil)),
		"expired":           sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c *Claims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-Leeway - time.Second)) })),
		"no exp":            sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c *Claims) { c.ExpiresAt = nil })),
		"issued in future":  sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c *Claims) { c.IssuedAt = jwt.NewNumericDate(now.Add(time.Hour)) })),
		"no uid":            sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c *Claims) { c.UserID = 0 })),
		"no session":        sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c *Claims) { c.SessionID = "" })),
		"tampered payload":  head + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"uid":1,"sid":"x","exp":9999999999}`)) + "." + strings.Split(good, ".")[2],
		"oversized":         good + strings.Repeat("A", maxTokenLen),
		"signature missing": head + "." + payload,
		"unknown role":      sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c *Claims) { c.Role = "root" })),
	}
	v := NewVerifier(secret)
	if _, err := v.Verify(good); err != nil {
		t.Fatalf("the well-formed token is rejected (the cases below would prove nothing): %v", err)
	}
	for name, tok := range cases {
		if c, err := v.Verify(tok); err == nil {
			t.Errorf("%s: accepted as %+v", name, c)
		}
	}
	// Within the leeway, a token that just expired still passes (clock skew between processes).
	skewed := sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c *Claims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-Leeway / 2)) }))
	if _, err := v.Verify(skewed); err != nil {
		t.Errorf("token expired %s ago (within the leeway) rejected: %v", Leeway/2, err)
	}
}

func TestVerify_CarriesTheRole(t *testing.T) {
	now := time.Now()
	v := NewVerifier(secret)
	admin, err := Mint(secret, 42, sid, RoleAdmin, now, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := v.Verify(admin.AccessToken); err != nil || !c.IsAdmin() {
		t.Fatalf("admin token verified as %+v, %v", c, err)
	}
	customer, _ := Mint(secret, 42, sid, RoleCustomer, now, now.Add(time.Minute))
	if c, err := v.Verify(customer.AccessToken); err != nil || c.IsAdmin() || c.Role != RoleCustomer {
		t.Fatalf("customer token verified as %+v, %v", c, err)
	}
	// Tokens minted before roles existed carry none: they are a customer's.
	old, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, &Claims{UserID: 7, SessionID: sid, RegisteredClaims: jwt.RegisteredClaims{
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute))}}).SignedString([]byte(secret))
	if c, err := v.Verify(old); err != nil || c.Role != RoleCustomer {
		t.Fatalf("role-less token verified as %+v, %v", c, err)
	}
	if _, err := Mint(secret, 42, sid, "root", now, now.Add(time.Minute)); err == nil {
		t.Error("minted a token with an unknown role")
	}
}

func TestCaller(t *testing.T) {
	if _, err := UID(context.Background()); err == nil {
		t.Error("UID of an unauthenticated context succeeded")
	}
	ctx := WithCaller(context.Background(), &Claims{UserID: 9, SessionID: sid})
	if uid, err := UID(ctx); err != nil || uid != 9 {
		t.Errorf("UID = %d, %v", uid, err)
	}
}

func TestCheckSecret(t *testing.T) {
	if CheckSecret("short") == nil {
		t.Error("short secret accepted")
	}
	if err := CheckSecret(secret); err != nil {
		t.Error(err)
	}
}

// A remembered token is as good as a verified one, and no better: it still expires, and the
// caller cannot change what the next request is told.
func TestVerify_RemembersATokenOnlyUntilItExpires(t *testing.T) {
	now := time.Now()
	tok, err := Mint(secret, 42, sid, RoleCustomer, now, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	v := NewVerifier(secret)
	first, err := v.Verify(tok.AccessToken)
	if err != nil || len(v.verified) != 1 {
		t.Fatalf("first verification: %v, %v (%d remembered)", first, err, len(v.verified))
	}
	first.UserID = 7 // the caller's copy
	again, err := v.Verify(tok.AccessToken)
	if err != nil || again.UserID != 42 || again.SessionID != sid {
		t.Fatalf("remembered token: %+v, %v", again, err)
	}
	v.now = func() time.Time { return now.Add(time.Minute + Leeway + time.Second) }
	if _, err := v.Verify(tok.AccessToken); !errors.Is(err, xerr.ErrUnauthorized) {
		t.Fatalf("a remembered token past its expiry: %v, want unauthorized", err)
	}
	// Change the signature's first character: each of its 6 bits is signature data (the last
	// character's low bits are padding, so replacing it could leave the signature as it was).
	dot := strings.LastIndexByte(tok.AccessToken, '.') + 1
	swap := map[bool]string{true: "B", false: "A"}[tok.AccessToken[dot] == 'A']
	forged := tok.AccessToken[:dot] + swap + tok.AccessToken[dot+1:]
	v.now = time.Now
	if _, err := v.Verify(forged); !errors.Is(err, xerr.ErrUnauthorized) {
		t.Fatalf("a token differing from a remembered one in its signature: %v", err)
	}
}
