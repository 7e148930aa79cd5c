package svc

import (
	"zeromall/apps/order/rpc/order_client"
	"zeromall/apps/payment/model"
	"zeromall/apps/payment/rpc/internal/config"
	"zeromall/pkg/rpcauth"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
	"github.com/zeromicro/go-zero/zrpc"
)

type ServiceContext struct {
	Config   config.Config
	Payments model.PaymentsModel
	Outbox   model.OutboxModel
	OrderRpc order_client.Order
	// OutboxKick wakes the relay as soon as a message is queued, instead of at its next tick.
	OutboxKick chan struct{}
}

func NewServiceContext(c config.Config) *ServiceContext {
	conn := sqlx.NewMysql(c.DB.DataSource)
	opts := []cache.Option{cache.WithExpiry(c.CacheExpiry), cache.WithNotFoundExpiry(c.CacheNotFoundExpiry)}
	return &ServiceContext{
		Config:     c,
		Payments:   model.NewPaymentsModel(conn, c.Cache, opts...),
		Outbox:     model.NewOutboxModel(conn, c.Cache, opts...),
		OrderRpc:   order_client.NewOrder(zrpc.MustNewClient(c.OrderRpc, rpcauth.MustLoad(c.RpcIdentity).Client("order-rpc"))),
		OutboxKick: make(chan struct{}, 1),
	}
}

// KickOutbox asks the relay to run now; it never blocks.
func (s *ServiceContext) KickOutbox() {
	select {
	case s.OutboxKick <- struct{}{}:
	default:
	}
}
