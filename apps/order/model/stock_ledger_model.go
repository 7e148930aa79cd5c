package model

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Values of stock_ledger.kind: what moved the stock.
const (
	StockOrder      = "order"
	StockCancel     = "cancel"
	StockAutoCancel = "auto-cancel"
	StockRefund     = "refund"
	StockAdjustment = "adjustment"
)

var _ StockLedgerModel = (*customStockLedgerModel)(nil)

type (
	// StockLedgerModel is an interface to be customized, add more methods here,
	// and implement the added methods in customStockLedgerModel.
	StockLedgerModel interface {
		stockLedgerModel
		// InsertManyTx records stock changes in the transaction that makes them.
		InsertManyTx(ctx context.Context, s sqlx.Session, changes []*StockLedger) error
		// ListByProduct returns up to limit changes of a product older than beforeID (0: the
		// newest), newest first, from MySQL (an audit view is read rarely and must be exact).
		ListByProduct(ctx context.Context, productID, beforeID, limit int64) ([]*StockLedger, error)
		// ProductsWithChangesBefore returns up to limit products with changes recorded before
		// cutoff.
		ProductsWithChangesBefore(ctx context.Context, cutoff time.Time, limit int) ([]int64, error)
		// FoldTx deletes up to limit of a product's changes recorded before cutoff, oldest first,
		// and returns how many and the sum of their deltas; call it with the product row locked.
		FoldTx(ctx context.Context, s sqlx.Session, productID int64, cutoff time.Time, limit int) (n, sum int64, err error)
	}

	customStockLedgerModel struct {
		*defaultStockLedgerModel
	}
)

// NewStockLedgerModel returns a model for the database table.
func NewStockLedgerModel(conn sqlx.SqlConn, c cache.CacheConf, opts ...cache.Option) StockLedgerModel {
	return &customStockLedgerModel{
		defaultStockLedgerModel: newStockLedgerModel(conn, c, opts...),
	}
}

func (m *customStockLedgerModel) InsertManyTx(ctx context.Context, s sqlx.Session, changes []*StockLedger) error {
	if len(changes) == 0 {
		return nil
	}
	args := make([]any, 0, 6*len(changes))
	for _, c := range changes {
		args = append(args, c.ProductId, c.Delta, c.Kind, c.Reason, c.OrderSn, c.AdminId)
	}
	row := "(?, ?, ?, ?, ?, ?)"
	q := fmt.Sprintf("insert into %s (`product_id`, `delta`, `kind`, `reason`, `order_sn`, `admin_id`) values %s",
		m.table, strings.TrimSuffix(strings.Repeat(row+",", len(changes)), ","))
	if _, err := s.ExecCtx(ctx, q, args...); err != nil {
		return fmt.Errorf("record %d stock changes: %w", len(changes), err)
	}
	return nil
}

func (m *customStockLedgerModel) ListByProduct(ctx context.Context, productID, beforeID, limit int64) ([]*StockLedger, error) {
	if beforeID <= 0 {
		beforeID = math.MaxInt64
	}
	var list []*StockLedger
	q := fmt.Sprintf("select %s from %s where `product_id` = ? and `id` < ? order by `id` desc limit ?", stockLedgerRows, m.table)
	if err := m.QueryRowsNoCacheCtx(ctx, &list, q, productID, beforeID, limit); err != nil {
		return nil, fmt.Errorf("stock ledger of product %d: %w", productID, err)
	}
	return list, nil
}

func (m *customStockLedgerModel) ProductsWithChangesBefore(ctx context.Context, cutoff time.Time, limit int) ([]int64, error) {
	var ids []int64
	q := fmt.Sprintf("select distinct `product_id` from %s where `created_at` < ? limit ?", m.table)
	if err := m.QueryRowsNoCacheCtx(ctx, &ids, q, cutoff.UTC(), limit); err != nil {
		return nil, fmt.Errorf("products with stock changes before %s: %w", cutoff, err)
	}
	return ids, nil
}

func (m *customStockLedgerModel) FoldTx(ctx context.Context, s sqlx.Session, productID int64, cutoff time.Time, limit int) (n, sum int64, err error) {
	var old []struct {
		Id    int64 `db:"id"`
		Delta int64 `db:"delta"`
	}
	q := fmt.Sprintf("select `id`, `delta` from %s where `product_id` = ? and `created_at` < ? order by `id` limit ?", m.table)
	if err := s.QueryRowsCtx(ctx, &old, q, productID, cutoff.UTC(), limit); err != nil {
		return 0, 0, fmt.Errorf("old stock changes of product %d: %w", productID, err)
	}
	if len(old) == 0 {
		return 0, 0, nil
	}
	for _, c := range old {
		sum += c.Delta
	}
	del := fmt.Sprintf("delete from %s where `product_id` = ? and `id` between ? and ? and `created_at` < ?", m.table)
	res, err := s.ExecCtx(ctx, del, productID, old[0].Id, old[len(old)-1].Id, cutoff.UTC())
	if err != nil {
		return 0, 0, fmt.Errorf("delete old stock changes of product %d: %w", productID, err)
	}
	if n, err = res.RowsAffected(); err != nil {
		return 0, 0, fmt.Errorf("delete old stock changes of product %d: %w", productID, err)
	}
	if n != int64(len(old)) {
		return 0, 0, fmt.Errorf("delete old stock changes of product %d: %d deleted of %d", productID, n, len(old))
	}
	return n, sum, nil
}
