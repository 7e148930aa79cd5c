// The catalogue as buyers and admins read it: pages of products for sale, one product, and a
// product's stock ledger. Admins' writes are in catalogue_admin.go, the page cursors in cursor.go.

package orders

import (
	"context"
	"errors"
	"fmt"

	"zeromall/apps/order/model"
	"zeromall/pkg/xerr"
)

// A page of the catalogue or of a stock ledger.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// Products returns one page of the products for sale, by id, and the cursor of the next page
// ("" after the last).
func (s *Service) Products(ctx context.Context, cursor string, limit int64) ([]*Product, string, error) {
	after, err := decodeCursor(productCursor, cursor)
	if err != nil {
		return nil, "", err
	}
	if limit, err = checkLimit(limit); err != nil {
		return nil, "", err
	}
	var list []*model.Products
	err = s.replica.Read(ctx, func(ctx context.Context) error {
		list, err = s.products.ListActive(ctx, after, limit+1) // one more tells whether a next page exists
		return err
	})
	if err != nil {
		return nil, "", err
	}
	list, last := cutPage(list, limit, func(p *model.Products) int64 { return p.Id })
	page := make([]*Product, len(list))
	for i, p := range list {
		page[i] = toProduct(p)
	}
	return page, encodeCursor(productCursor, last), nil
}

// Product reads one product for sale; an unknown or archived one is ErrProductNotFound.
func (s *Service) Product(ctx context.Context, id int64) (*Product, error) {
	p, err := s.findProduct(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Active != model.ProductActive {
		return nil, xerr.ErrProductNotFound
	}
	return toProduct(p), nil
}

func (s *Service) findProduct(ctx context.Context, id int64) (*model.Products, error) {
	if id <= 0 {
		return nil, xerr.ErrProductNotFound
	}
	p, err := s.products.FindOne(ctx, id) // MySQL answers when Redis fails (the goctl template)
	if errors.Is(err, model.ErrNotFound) {
		return nil, xerr.ErrProductNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find product %d: %w", id, err)
	}
	return p, nil
}

// Ledger returns one page of a product's stock changes, newest first, and the cursor of the next.
func (s *Service) Ledger(ctx context.Context, id int64, cursor string, limit int64) ([]*StockChange, string, error) {
	before, err := decodeCursor(ledgerCursor, cursor)
	if err != nil {
		return nil, "", err
	}
	if limit, err = checkLimit(limit); err != nil {
		return nil, "", err
	}
	if _, err := s.findProduct(ctx, id); err != nil {
		return nil, "", err
	}
	list, err := s.ledger.ListByProduct(ctx, id, before, limit+1)
	if err != nil {
		return nil, "", err
	}
	list, last := cutPage(list, limit, func(c *model.StockLedger) int64 { return c.Id })
	page := make([]*StockChange, len(list))
	for i, c := range list {
		page[i] = toStockChange(c)
	}
	return page, encodeCursor(ledgerCursor, last), nil
}

// cutPage trims a list read with limit+1 rows to the page, and returns the id its cursor continues
// after: 0 when the extra row is absent, that is on the last page.
func cutPage[T any](list []T, limit int64, id func(T) int64) ([]T, int64) {
	if int64(len(list)) <= limit {
		return list, 0
	}
	list = list[:limit]
	return list, id(list[len(list)-1])
}

func checkLimit(limit int64) (int64, error) {
	if limit == 0 {
		return defaultLimit, nil
	}
	if limit < 1 || limit > maxLimit {
		return 0, xerr.Field("limit", fmt.Sprintf("must be between 1 and %d", maxLimit))
	}
	return limit, nil
}
