package model

import (
	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

var _ StockLedgerModel = (*customStockLedgerModel)(nil)

type (
	// StockLedgerModel is an interface to be customized, add more methods here,
	// and implement the added methods in customStockLedgerModel.
	StockLedgerModel interface {
		stockLedgerModel
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
