package orders

import (
	"fmt"
	"testing"
)

// Pricing an order: validating and sorting its lines and fingerprinting it for idempotency.
func BenchmarkCheckItemsAndHash(b *testing.B) {
	items := make([]Line, 5)
	for i := range items {
		items[i] = Line{ProductID: int64(10 - i), Quantity: int64(i + 1)}
	}
	for b.Loop() {
		lines, err := CheckLines(items)
		if err != nil {
			b.Fatal(err)
		}
		_ = RequestHash(lines)
	}
}

// Cache keys as the generated models build them (fmt.Sprintf("%s%v", prefix, id)).
func BenchmarkCacheKey(b *testing.B) {
	for b.Loop() {
		_ = fmt.Sprintf("%s%v", "cache:order:orders:id:", int64(123456789))
	}
}
