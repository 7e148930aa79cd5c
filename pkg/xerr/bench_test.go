package xerr

import (
	"fmt"
	"testing"
)

// The gateway maps every failed rpc call back to its business error.
func BenchmarkFromError_BusinessStatus(b *testing.B) {
	st, _ := ToStatus(ErrOutOfStock.WithMsg("out of stock: cap"))
	err := fmt.Errorf("call: %w", st.Err())
	for b.Loop() {
		if FromError(err).Code != ErrOutOfStock.Code {
			b.Fatal("lost the code")
		}
	}
}

func BenchmarkToStatus(b *testing.B) {
	err := fmt.Errorf("create: %w", ErrOutOfStock)
	for b.Loop() {
		_, _ = ToStatus(err)
	}
}
