package jwtx

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

const secret = "0123456789abcdef0123456789abcdef"

func TestMint_SignsHS256WithUIDAndExpiry(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	tok, err := Mint(secret, 42, now, 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessExpire != now.Add(2*time.Hour).Unix() || tok.RefreshAfter != now.Add(time.Hour).Unix() {
		t.Fatalf("expiry %d, refreshAfter %d", tok.AccessExpire, tok.RefreshAfter)
	}
	parsed, err := jwt.NewParser(jwt.WithJSONNumber(), jwt.WithoutClaimsValidation()).Parse(tok.AccessToken,
		func(*jwt.Token) (any, error) { return []byte(secret), nil })
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Method.Alg() != "HS256" {
		t.Errorf("alg %s", parsed.Method.Alg())
	}
	claims := parsed.Claims.(jwt.MapClaims)
	if claims[ClaimUID] != json.Number("42") {
		t.Errorf("uid claim %v", claims[ClaimUID])
	}
	again, _ := Mint(secret, 42, now, 2*time.Hour)
	if again.AccessToken == tok.AccessToken {
		t.Error("two tokens minted in the same second are identical")
	}
}

func TestUID(t *testing.T) {
	cases := []struct {
		val  any
		want int64
		ok   bool
	}{
		{json.Number("7"), 7, true},
		{float64(7), 7, true},
		{"7", 7, true},
		{json.Number("7.5"), 0, false},
		{float64(7.5), 0, false},
		{json.Number("-1"), 0, false},
		{"abc", 0, false},
		{nil, 0, false},
		{true, 0, false},
	}
	for _, tc := range cases {
		ctx := context.Background()
		if tc.val != nil {
			ctx = context.WithValue(ctx, ClaimUID, tc.val)
		}
		got, err := UID(ctx)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("UID(%#v) = %d, %v", tc.val, got, err)
		}
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

func TestOnlyHS256(t *testing.T) {
	sign := func(m jwt.SigningMethod) string {
		s, _ := jwt.NewWithClaims(m, jwt.MapClaims{"uid": 1}).SignedString([]byte(secret))
		return s
	}
	var rejected bool
	h := OnlyHS256(func(w http.ResponseWriter, r *http.Request) { rejected = true })(func(http.ResponseWriter, *http.Request) {})
	for _, tc := range []struct {
		name     string
		token    string
		verified bool
		reject   bool
	}{
		{"HS256", sign(jwt.SigningMethodHS256), true, false},
		{"HS384", sign(jwt.SigningMethodHS384), true, true},
		{"HS512", sign(jwt.SigningMethodHS512), true, true},
		{"public route", sign(jwt.SigningMethodHS384), false, false},
	} {
		rejected = false
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Authorization", "Bearer "+tc.token)
		if tc.verified {
			r = r.WithContext(context.WithValue(r.Context(), ClaimUID, json.Number("1")))
		}
		h(httptest.NewRecorder(), r)
		if rejected != tc.reject {
			t.Errorf("%s: rejected=%v", tc.name, rejected)
		}
	}
}
