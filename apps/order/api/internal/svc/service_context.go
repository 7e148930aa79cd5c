package svc

import (
	"zeromall/apps/order/api/internal/config"
	"zeromall/apps/order/api/internal/middleware"
	orderaccess "zeromall/apps/order/rpc/access"
	"zeromall/apps/order/rpc/order_client"
	useraccess "zeromall/apps/user/rpc/access"
	"zeromall/apps/user/rpc/user_client"
	"zeromall/pkg/gateway"

	"github.com/zeromicro/go-zero/rest"
)

type ServiceContext struct {
	Config   config.Config
	Auth     rest.Middleware
	Admin    rest.Middleware
	OrderRpc order_client.Order
}

func NewServiceContext(c config.Config, gw *gateway.Gateway) *ServiceContext {
	users := user_client.NewUser(gw.Client("user-rpc", c.UserRpc, useraccess.Rules))
	return &ServiceContext{
		Config:   c,
		Auth:     gw.Auth(useraccess.CheckSession(users)),
		Admin:    middleware.NewAdminMiddleware().Handle,
		OrderRpc: order_client.NewOrder(gw.Client("order-rpc", c.OrderRpc, orderaccess.Rules)),
	}
}
