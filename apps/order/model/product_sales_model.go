package model

import (
	"context"
	"fmt"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

var _ ProductSalesModel = (*customProductSalesModel)(nil)

type (
	// ProductSalesModel is an interface to be customized, add more methods here,
	// and implement the added methods in customProductSalesModel.
	ProductSalesModel interface {
		productSalesModel
		// AddTx adds to a product's sales in tx, creating its row on the first sale; the caller
		// records the row's cache keys in the same transaction.
		AddTx(ctx context.Context, s sqlx.Session, d *ProductSales) error
	}

	customProductSalesModel struct {
		*defaultProductSalesModel
	}
)

// NewProductSalesModel returns a model for the database table.
func NewProductSalesModel(conn sqlx.SqlConn, c cache.CacheConf, opts ...cache.Option) ProductSalesModel {
	return &customProductSalesModel{
		defaultProductSalesModel: newProductSalesModel(conn, c, opts...),
	}
}

func (m *customProductSalesModel) AddTx(ctx context.Context, s sqlx.Session, d *ProductSales) error {
	q := fmt.Sprintf("insert into %s (`product_id`, `units_sold`, `units_refunded`, `revenue`, `orders`) values (?, ?, ?, ?, ?)"+
		" on duplicate key update `units_sold` = `units_sold` + values(`units_sold`),"+
		" `units_refunded` = `units_refunded` + values(`units_refunded`), `revenue` = `revenue` + values(`revenue`),"+
		" `orders` = `orders` + values(`orders`)", m.table)
	if _, err := s.ExecCtx(ctx, q, d.ProductId, d.UnitsSold, d.UnitsRefunded, d.Revenue, d.Orders); err != nil {
		return fmt.Errorf("add sales of product %d: %w", d.ProductId, err)
	}
	return nil
}
