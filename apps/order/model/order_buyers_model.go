package model

import (
	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

var _ OrderBuyersModel = (*customOrderBuyersModel)(nil)

type (
	// OrderBuyersModel is an interface to be customized, add more methods here,
	// and implement the added methods in customOrderBuyersModel.
	OrderBuyersModel interface {
		orderBuyersModel
	}

	customOrderBuyersModel struct {
		*defaultOrderBuyersModel
	}
)

// NewOrderBuyersModel returns a model for the database table.
func NewOrderBuyersModel(conn sqlx.SqlConn, c cache.CacheConf, opts ...cache.Option) OrderBuyersModel {
	return &customOrderBuyersModel{
		defaultOrderBuyersModel: newOrderBuyersModel(conn, c, opts...),
	}
}
