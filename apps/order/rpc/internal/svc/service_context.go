package svc

import (
	"zeromall/apps/order/rpc/internal/config"
	"zeromall/apps/order/rpc/internal/orders"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

type ServiceContext struct {
	Config  config.Config
	Orders  *orders.Service
	Journal *store.Journal
}

// NewServiceContext builds the domain on db, the connection main opened (and migrated).
func NewServiceContext(c config.Config, db sqlx.SqlConn) *ServiceContext {
	j := c.OpenJournal(db)
	o := orders.New(db, c.Idempotency.KeyTTL, j, c.Cache, c.CacheOptions()...)
	o.SetLimits(orders.Limits{PendingPerUser: c.Limits.PendingPerUser, MaxHold: c.Limits.MaxHold})
	o.UseReplica(c.OpenReplica(), c.DB.OwnWritesFor)
	return &ServiceContext{Config: c, Orders: o, Journal: j}
}
