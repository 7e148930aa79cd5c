package orders

import (
	"errors"
	"testing"

	"zeromall/pkg/xerr"
)

// FuzzCheckLines: any two order lines are either a 400 or valid, sorted lines within bounds.
func FuzzCheckLines(f *testing.F) {
	f.Add(int64(1), int64(1), int64(2), int64(3))
	f.Add(int64(1), int64(0), int64(1), int64(-5))
	f.Add(int64(-1), int64(100), int64(9223372036854775807), int64(99))
	f.Fuzz(func(t *testing.T, p1, q1, p2, q2 int64) {
		lines, err := CheckLines([]Line{{ProductID: p1, Quantity: q1}, {ProductID: p2, Quantity: q2}})
		if err != nil {
			if !errors.Is(err, xerr.ErrBadRequest) {
				t.Fatalf("%v is not a 400", err)
			}
			return
		}
		if len(lines) != 2 || lines[0].ProductID >= lines[1].ProductID {
			t.Fatalf("lines %+v not two sorted distinct products", lines)
		}
		for _, l := range lines {
			if l.ProductID <= 0 || l.Quantity < 1 || l.Quantity > maxLineQuantity {
				t.Fatalf("accepted line %+v", l)
			}
		}
	})
}

// FuzzCheckIdempotencyKey: an accepted key is short and safe to put in a cache key.
func FuzzCheckIdempotencyKey(f *testing.F) {
	f.Add("checkout-42")
	f.Add("a b")
	f.Fuzz(func(t *testing.T, key string) {
		if CheckIdempotencyKey(key) != nil {
			return
		}
		if len(key) > maxIdemKeyLen {
			t.Fatalf("accepted a %d-byte key", len(key))
		}
		for _, r := range key {
			if r < '-' || r > 'z' {
				t.Fatalf("accepted %q", key)
			}
		}
	})
}

// FuzzDecodeCursor: whatever a client sends as a cursor is a 400 or a positive id (never a panic,
// never a negative offset into the catalogue).
func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor(productCursor, 42))
	f.Add(encodeCursor(ledgerCursor, 42))
	f.Add("cC0x")
	f.Add("")
	f.Fuzz(func(t *testing.T, cursor string) {
		id, err := decodeCursor(productCursor, cursor)
		switch {
		case err != nil:
			if !errors.Is(err, xerr.ErrBadRequest) {
				t.Fatalf("%q: %v is not a 400", cursor, err)
			}
		case cursor == "":
			if id != 0 {
				t.Fatalf("the empty cursor decoded to %d", id)
			}
		case id <= 0:
			t.Fatalf("%q decoded to %d", cursor, id)
		}
	})
}
