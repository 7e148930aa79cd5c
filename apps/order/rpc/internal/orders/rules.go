package orders

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"zeromall/pkg/xerr"
)

const (
	maxOrderLines   = 20
	maxLineQuantity = 99
	maxIdemKeyLen   = 64
	defaultPageSize = 20
	maxPageSize     = 100
	maxPage         = 1000 // deeper pages would need keyset pagination
	deadlockRetries = 3
)

// Line is one requested order line.
type Line struct {
	ProductID int64
	Quantity  int64
}

// CheckLines validates the requested lines and returns them sorted by product id, the order in
// which stock rows are locked (the same order in every transaction, so no deadlocks between them).
func CheckLines(requested []Line) ([]Line, error) {
	switch {
	case len(requested) == 0:
		return nil, xerr.Field("items", "must hold at least one line")
	case len(requested) > maxOrderLines:
		return nil, xerr.Field("items", fmt.Sprintf("must hold at most %d lines", maxOrderLines))
	}
	seen := make(map[int64]bool, len(requested))
	lines := make([]Line, 0, len(requested))
	for i, ln := range requested {
		field := fmt.Sprintf("items[%d]", i)
		switch {
		case ln.ProductID <= 0:
			return nil, xerr.Field(field+".productId", "must be a positive id")
		case ln.Quantity <= 0:
			return nil, xerr.Field(field+".quantity", "must be at least 1")
		case ln.Quantity > maxLineQuantity:
			return nil, xerr.Field(field+".quantity", fmt.Sprintf("must be at most %d", maxLineQuantity))
		case seen[ln.ProductID]:
			return nil, xerr.Field(field+".productId", "appears twice; put the whole quantity on one line")
		}
		seen[ln.ProductID] = true
		lines = append(lines, ln)
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].ProductID < lines[j].ProductID })
	return lines, nil
}

// RequestHash fingerprints checked lines, so a reused idempotency key with other lines is told
// apart from a replay.
func RequestHash(lines []Line) string {
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "%d:%d;", l.ProductID, l.Quantity)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// CheckIdempotencyKey accepts an empty key (none) or up to 64 of [A-Za-z0-9-_.:].
func CheckIdempotencyKey(key string) error {
	if len(key) > maxIdemKeyLen {
		return xerr.Field("Idempotency-Key", fmt.Sprintf("must be at most %d characters", maxIdemKeyLen))
	}
	for _, r := range key {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r)
		if !ok {
			return xerr.Field("Idempotency-Key", "may hold only letters, digits and - _ . :")
		}
	}
	return nil
}

// ErrUnknownStatusFilter refuses a list filter that names no status.
var ErrUnknownStatusFilter = xerr.Field("status", "must be one of pending, paid, cancelled, refunded")

func checkPaging(page, pageSize int64) (int64, int64, error) {
	if page == 0 {
		page = 1
	}
	if pageSize == 0 {
		pageSize = defaultPageSize
	}
	switch {
	case page < 1 || page > maxPage:
		return 0, 0, xerr.Field("page", fmt.Sprintf("must be between 1 and %d", maxPage))
	case pageSize < 1 || pageSize > maxPageSize:
		return 0, 0, xerr.Field("pageSize", fmt.Sprintf("must be between 1 and %d", maxPageSize))
	}
	return page, pageSize, nil
}
