package svc

import (
	"zeromall/apps/order/rpc/order_client"
	"zeromall/apps/payment/rpc/internal/config"
	"zeromall/apps/payment/rpc/internal/orderrpc"
	"zeromall/apps/payment/rpc/internal/payments"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/rpcx"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

type ServiceContext struct {
	Config   config.Config
	Payments *payments.Service
	Journal  *store.Journal
}

// NewServiceContext builds the domain on db, the connection main opened (and migrated).
func NewServiceContext(c config.Config, db sqlx.SqlConn) *ServiceContext {
	orders := orderrpc.New(order_client.NewOrder(rpcx.MustNewClient(c.OrderRpc, rpcauth.MustLoad(c.RpcIdentity).Client("order-rpc"))))
	journal := c.OpenJournal(db)
	return &ServiceContext{
		Config:  c,
		Journal: journal,
		Payments: payments.New(db, orders, payments.Timing{
			ExpireAfter: c.PaymentExpiry.After, SettleGrace: c.PaymentExpiry.SettleGrace,
		}, journal, c.Cache, c.CacheOptions()...),
	}
}
