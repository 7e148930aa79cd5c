package jwtx

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func BenchmarkMint(b *testing.B) {
	now := time.Now()
	for b.Loop() {
		if _, err := Mint(secret, 42, now, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUID(b *testing.B) {
	ctx := context.WithValue(context.Background(), ClaimUID, json.Number("42"))
	for b.Loop() {
		if _, err := UID(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// The per-request cost zeromall adds to go-zero's JWT check.
func BenchmarkOnlyHS256(b *testing.B) {
	tok, _ := Mint(secret, 42, time.Now(), time.Hour)
	h := OnlyHS256(func(http.ResponseWriter, *http.Request) { b.Fatal("rejected") })(func(http.ResponseWriter, *http.Request) {})
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	r = r.WithContext(context.WithValue(r.Context(), ClaimUID, json.Number("42")))
	w := httptest.NewRecorder()
	for b.Loop() {
		h(w, r)
	}
}
