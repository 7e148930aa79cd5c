package svc

import (
	"zeromall/apps/order/api/internal/config"
	"zeromall/apps/order/rpc/order_client"
	"zeromall/apps/user/rpc/user_client"

	"github.com/zeromicro/go-zero/zrpc"
)

type ServiceContext struct {
	Config   config.Config
	UserRpc  user_client.User
	OrderRpc order_client.Order
}

func NewServiceContext(c config.Config) *ServiceContext {
	return &ServiceContext{
		Config:   c,
		UserRpc:  user_client.NewUser(zrpc.MustNewClient(c.UserRpc)),
		OrderRpc: order_client.NewOrder(zrpc.MustNewClient(c.OrderRpc)),
	}
}
