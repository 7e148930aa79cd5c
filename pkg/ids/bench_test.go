package ids

import (
	"testing"
	"time"
)

func BenchmarkNewSN(b *testing.B) {
	now := time.Now()
	for b.Loop() {
		_ = NewSN(now)
	}
}

func BenchmarkValidSN(b *testing.B) {
	sn := NewSN(time.Now())
	for b.Loop() {
		if !ValidSN(sn) {
			b.Fatal("invalid")
		}
	}
}
