package svc

import (
	"zeromall/apps/order/model"
	"zeromall/apps/order/rpc/internal/config"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

type ServiceContext struct {
	Config      config.Config
	Products    model.ProductsModel
	Orders      model.OrdersModel
	OrderItems  model.OrderItemsModel
	Idempotency model.OrderIdempotencyModel
}

func NewServiceContext(c config.Config) *ServiceContext {
	conn := sqlx.NewMysql(c.DB.DataSource)
	opts := []cache.Option{cache.WithExpiry(c.CacheExpiry), cache.WithNotFoundExpiry(c.CacheNotFoundExpiry)}
	return &ServiceContext{
		Config:      c,
		Products:    model.NewProductsModel(conn, c.Cache, opts...),
		Orders:      model.NewOrdersModel(conn, c.Cache, opts...),
		OrderItems:  model.NewOrderItemsModel(conn, c.Cache, opts...),
		Idempotency: model.NewOrderIdempotencyModel(conn, c.Cache, opts...),
	}
}
