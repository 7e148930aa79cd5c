package orders

import (
	"context"
	"time"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// FoldLedgerBefore archives up to batch stock changes recorded before cutoff (a retention.Purge):
// each product's old changes are deleted and their sum added to its initial_stock in the same
// transaction, under the product's row lock, so stock = initial_stock + sum(ledger) still holds.
// The ledger then begins at cutoff.
func (s *Service) FoldLedgerBefore(ctx context.Context, cutoff time.Time, batch int) (int64, error) {
	products, err := s.ledger.ProductsWithChangesBefore(ctx, cutoff, batch)
	if err != nil {
		return 0, err
	}
	var folded int64
	for _, id := range products {
		if folded >= int64(batch) {
			break
		}
		var n int64
		_, err := s.journal.Change(ctx, "product.ledger-folded", s.products.StaleKeys(id), func(ctx context.Context, tx sqlx.Session) (bool, error) {
			if _, err := s.products.LockTx(ctx, tx, id); err != nil {
				return false, err
			}
			var sum int64
			var err error
			if n, sum, err = s.ledger.FoldTx(ctx, tx, id, cutoff, batch-int(folded)); err != nil || n == 0 {
				return false, err
			}
			return true, s.products.AddInitialStockTx(ctx, tx, id, sum)
		})
		if err != nil {
			return folded, err
		}
		folded += n
	}
	return folded, nil
}
