package svc

import (
	"zeromall/apps/order/model"
	"zeromall/apps/order/rpc/internal/config"
	"zeromall/apps/order/rpc/internal/orders"
	"zeromall/pkg/events"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

type ServiceContext struct {
	Config  config.Config
	Orders  *orders.Service
	Journal *store.Journal
	Events  *events.Service
}

// NewServiceContext builds the domain on db, the connection main opened (and migrated).
func NewServiceContext(c config.Config, db sqlx.SqlConn) *ServiceContext {
	j := c.OpenJournal(db)
	ev := events.MustNewService(c.Events, "order-rpc", events.Orders, db)
	o := orders.New(db, tables(db, c), c.Idempotency.KeyTTL, j, ev.Kit())
	o.SetLimits(orders.Limits{PendingPerUser: c.Limits.PendingPerUser, MaxHold: c.Limits.MaxHold})
	o.UseReplica(c.OpenReplica(), c.DB.OwnWritesFor)
	return &ServiceContext{Config: c, Orders: o, Journal: j, Events: ev}
}

// tables builds the goctl models the orders domain works on.
func tables(db sqlx.SqlConn, c config.Config) orders.Tables {
	opts := c.CacheOptions()
	return orders.Tables{
		Products:    model.NewProductsModel(db, c.Cache, opts...),
		Orders:      model.NewOrdersModel(db, c.Cache, opts...),
		Items:       model.NewOrderItemsModel(db, c.Cache, opts...),
		Idempotency: model.NewOrderIdempotencyModel(db, c.Cache, opts...),
		Ledger:      model.NewStockLedgerModel(db, c.Cache, opts...),
		Sales:       model.NewProductSalesModel(db, c.Cache, opts...),
	}
}
