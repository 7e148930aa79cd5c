package model

import (
	"context"
	"fmt"
	"strings"

	"zeromall/pkg/cachex"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// catalogueKey caches the whole (small) catalogue; every stock change deletes it.
const catalogueKey = "cache:order:products:all"

// maxCatalogue bounds the catalogue read; zeromall's catalogue is small by design.
const maxCatalogue = 500

var _ ProductsModel = (*customProductsModel)(nil)

type (
	// ProductsModel is an interface to be customized, add more methods here,
	// and implement the added methods in customProductsModel.
	ProductsModel interface {
		productsModel
		// ListAll returns the catalogue ordered by id, from cache when possible.
		ListAll(ctx context.Context) ([]*Products, error)
		// FindManyTx reads products inside a transaction (no cache).
		FindManyTx(ctx context.Context, s sqlx.Session, ids []int64) ([]*Products, error)
		// TakeStockTx takes qty units if that many are left; false when they are not.
		TakeStockTx(ctx context.Context, s sqlx.Session, id, qty int64) (bool, error)
		// PutBackStockTx returns qty units to stock.
		PutBackStockTx(ctx context.Context, s sqlx.Session, id, qty int64) error
		// InvalidateStock drops the cached rows of products whose stock changed, and the
		// catalogue; call it after the transaction commits.
		InvalidateStock(ctx context.Context, ids ...int64) error
	}

	customProductsModel struct {
		*defaultProductsModel
	}
)

// NewProductsModel returns a model for the database table.
func NewProductsModel(conn sqlx.SqlConn, c cache.CacheConf, opts ...cache.Option) ProductsModel {
	return &customProductsModel{
		defaultProductsModel: newProductsModel(conn, c, opts...),
	}
}

func (m *customProductsModel) ListAll(ctx context.Context) ([]*Products, error) {
	q := fmt.Sprintf("select %s from %s order by `id` limit %d", productsRows, m.table, maxCatalogue)
	list, err := cachex.Read(ctx, func(ctx context.Context) ([]*Products, error) {
		var list []*Products
		err := m.QueryRowCtx(ctx, &list, catalogueKey, func(ctx context.Context, conn sqlx.SqlConn, v any) error {
			return conn.QueryRowsCtx(ctx, v, q)
		})
		return list, err
	}, func() ([]*Products, error) {
		var list []*Products
		err := m.QueryRowsNoCacheCtx(ctx, &list, q)
		return list, err
	})
	if err != nil {
		return nil, fmt.Errorf("list products: %w", err)
	}
	return list, nil
}

func (m *customProductsModel) FindManyTx(ctx context.Context, s sqlx.Session, ids []int64) ([]*Products, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	q := fmt.Sprintf("select %s from %s where `id` in (%s)", productsRows, m.table, placeholders(len(ids)))
	var list []*Products
	if err := s.QueryRowsCtx(ctx, &list, q, args...); err != nil {
		return nil, fmt.Errorf("find products %v: %w", ids, err)
	}
	return list, nil
}

func (m *customProductsModel) TakeStockTx(ctx context.Context, s sqlx.Session, id, qty int64) (bool, error) {
	q := fmt.Sprintf("update %s set `stock` = `stock` - ? where `id` = ? and `stock` >= ?", m.table)
	res, err := s.ExecCtx(ctx, q, qty, id, qty)
	if err != nil {
		return false, fmt.Errorf("take %d of product %d: %w", qty, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("take %d of product %d: %w", qty, id, err)
	}
	return n == 1, nil
}

func (m *customProductsModel) PutBackStockTx(ctx context.Context, s sqlx.Session, id, qty int64) error {
	q := fmt.Sprintf("update %s set `stock` = `stock` + ? where `id` = ?", m.table)
	if _, err := s.ExecCtx(ctx, q, qty, id); err != nil {
		return fmt.Errorf("put back %d of product %d: %w", qty, id, err)
	}
	return nil
}

func (m *customProductsModel) InvalidateStock(ctx context.Context, ids ...int64) error {
	keys := []string{catalogueKey}
	for _, id := range ids {
		keys = append(keys, fmt.Sprintf("%s%v", cache_orderProductsIdPrefix, id))
	}
	return m.DelCacheCtx(ctx, keys...)
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
