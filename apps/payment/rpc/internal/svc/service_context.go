package svc

import (
	"zeromall/apps/order/rpc/order_client"
	"zeromall/apps/payment/model"
	"zeromall/apps/payment/rpc/internal/config"
	"zeromall/apps/payment/rpc/internal/orderrpc"
	"zeromall/apps/payment/rpc/internal/payments"
	"zeromall/pkg/events"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/rpcx"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

type ServiceContext struct {
	Config   config.Config
	Payments *payments.Service
	Journal  *store.Journal
	Events   *events.Service
}

// NewServiceContext builds the domain on db, the connection main opened (and migrated).
func NewServiceContext(c config.Config, db sqlx.SqlConn) *ServiceContext {
	orders := orderrpc.New(order_client.NewOrder(rpcx.MustNewClient(c.OrderRpc, rpcauth.MustLoad(c.RpcIdentity).Client("order-rpc"))))
	journal := c.OpenJournal(db)
	ev := events.MustNewService(c.Events, "payment-rpc", events.Payments, db)
	return &ServiceContext{
		Config:  c,
		Journal: journal,
		Events:  ev,
		Payments: payments.New(db, tables(db, c), orders, payments.Timing{
			ExpireAfter: c.PaymentExpiry.After, SettleGrace: c.PaymentExpiry.SettleGrace,
		}, journal, ev.Kit()),
	}
}

// tables builds the goctl models the payments domain works on.
func tables(db sqlx.SqlConn, c config.Config) payments.Tables {
	opts := c.CacheOptions()
	return payments.Tables{
		Payments: model.NewPaymentsModel(db, c.Cache, opts...),
		Receipts: model.NewPaymentReceiptsModel(db, c.Cache, opts...),
	}
}
