package logic

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"zeromall/apps/order/model"
	"zeromall/apps/order/rpc/order"
	"zeromall/pkg/dberr"
	"zeromall/pkg/ids"
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

// line is one validated order line.
type line struct {
	productID int64
	quantity  int64
}

// checkItems validates the requested lines and returns them sorted by product id, the order in
// which stock rows are locked (the same order in every transaction, so no deadlocks between them).
func checkItems(items []*order.ItemReq) ([]line, error) {
	switch {
	case len(items) == 0:
		return nil, xerr.Field("items", "must hold at least one line")
	case len(items) > maxOrderLines:
		return nil, xerr.Field("items", fmt.Sprintf("must hold at most %d lines", maxOrderLines))
	}
	seen := make(map[int64]bool, len(items))
	lines := make([]line, 0, len(items))
	for i, it := range items {
		field := fmt.Sprintf("items[%d]", i)
		switch {
		case it == nil:
			return nil, xerr.Field(field, "is empty")
		case it.ProductId <= 0:
			return nil, xerr.Field(field+".productId", "must be a positive id")
		case it.Quantity <= 0:
			return nil, xerr.Field(field+".quantity", "must be at least 1")
		case it.Quantity > maxLineQuantity:
			return nil, xerr.Field(field+".quantity", fmt.Sprintf("must be at most %d", maxLineQuantity))
		case seen[it.ProductId]:
			return nil, xerr.Field(field+".productId", "appears twice; put the whole quantity on one line")
		}
		seen[it.ProductId] = true
		lines = append(lines, line{productID: it.ProductId, quantity: it.Quantity})
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].productID < lines[j].productID })
	return lines, nil
}

// requestHash fingerprints an order request, so a reused Idempotency-Key with other items is
// told apart from a replay.
func requestHash(lines []line) string {
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "%d:%d;", l.productID, l.quantity)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

func checkIdempotencyKey(key string) error {
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

func checkUserID(id int64) error {
	if id <= 0 {
		return xerr.Field("userId", "must be positive")
	}
	return nil
}

// checkSN rejects anything that is not an order number before it reaches MySQL or a cache key.
func checkSN(sn string) error {
	if !ids.ValidSN(sn) {
		return xerr.ErrOrderNotFound
	}
	return nil
}

func checkPaging(page, pageSize int64, status string) (int64, int64, error) {
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
	switch status {
	case "", model.StatusPending, model.StatusPaid, model.StatusCancelled, model.StatusRefunded:
	default:
		return 0, 0, xerr.Field("status", "must be one of pending, paid, cancelled, refunded")
	}
	return page, pageSize, nil
}

// withDeadlockRetry runs a transaction again when it lost a lock race.
func withDeadlockRetry(ctx context.Context, tx func() error) error {
	var err error
	for attempt := 0; attempt < deadlockRetries; attempt++ {
		if err = tx(); err == nil || !dberr.IsRetryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
	return err
}
