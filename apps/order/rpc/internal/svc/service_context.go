package svc

import (
	"zeromall/apps/order/rpc/internal/config"
	"zeromall/apps/order/rpc/internal/orders"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

type ServiceContext struct {
	Config config.Config
	Orders *orders.Service
}

// NewServiceContext builds the domain on db, the connection main opened (and migrated).
func NewServiceContext(c config.Config, db sqlx.SqlConn) *ServiceContext {
	o := orders.New(db, c.Idempotency.KeyTTL, c.Cache, c.CacheOptions()...)
	o.UseReplica(c.OpenReplica(), c.DB.OwnWritesFor)
	return &ServiceContext{Config: c, Orders: o}
}
