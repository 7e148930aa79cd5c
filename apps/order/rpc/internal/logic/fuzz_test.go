package logic

import (
	"errors"
	"testing"

	"zeromall/apps/order/rpc/order"
	"zeromall/pkg/xerr"
)

// FuzzCheckItems: any two order lines are either a 400 or valid, sorted lines within bounds.
func FuzzCheckItems(f *testing.F) {
	f.Add(int64(1), int64(1), int64(2), int64(3))
	f.Add(int64(1), int64(0), int64(1), int64(-5))
	f.Add(int64(-1), int64(100), int64(9223372036854775807), int64(99))
	f.Fuzz(func(t *testing.T, p1, q1, p2, q2 int64) {
		lines, err := checkItems([]*order.ItemReq{{ProductId: p1, Quantity: q1}, {ProductId: p2, Quantity: q2}})
		if err != nil {
			if !errors.Is(err, xerr.ErrBadRequest) {
				t.Fatalf("%v is not a 400", err)
			}
			return
		}
		if len(lines) != 2 || lines[0].productID >= lines[1].productID {
			t.Fatalf("lines %+v not two sorted distinct products", lines)
		}
		for _, l := range lines {
			if l.productID <= 0 || l.quantity < 1 || l.quantity > maxLineQuantity {
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
		if checkIdempotencyKey(key) != nil {
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
