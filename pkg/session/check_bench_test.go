package session

import (
	"testing"
	"time"
)

func BenchmarkMint(b *testing.B) {
	now := time.Now()
	for b.Loop() {
		if _, err := Mint(secret, 42, sid, RoleCustomer, now, now.Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
}

// The gateway's local share of authenticating a request.
func BenchmarkVerify(b *testing.B) {
	now := time.Now()
	tok, _ := Mint(secret, 42, sid, RoleCustomer, now, now.Add(time.Hour))
	v := NewVerifier(secret)
	for b.Loop() {
		if _, err := v.Verify(tok.AccessToken); err != nil {
			b.Fatal(err)
		}
	}
}
