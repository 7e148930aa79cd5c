package svc

import (
	"zeromall/apps/order/api/internal/config"
	"zeromall/apps/order/api/internal/middleware"
	"zeromall/apps/order/rpc/order_client"
	"zeromall/apps/user/rpc/user_client"
	"zeromall/pkg/interceptor"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/rpcclient"
	"zeromall/pkg/sessioncache"

	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/rest"
	"github.com/zeromicro/go-zero/zrpc"
)

type ServiceContext struct {
	Config   config.Config
	Auth     rest.Middleware
	Admin    rest.Middleware
	UserRpc  user_client.User
	OrderRpc order_client.Order
}

func NewServiceContext(c config.Config) *ServiceContext {
	id := rpcauth.MustLoad(c.RpcIdentity)
	users := user_client.NewUser(rpcclient.MustNew(c.UserRpc, id.Client("user-rpc"), zrpc.WithUnaryClientInterceptor(interceptor.Gateway)))
	return &ServiceContext{
		Config:   c,
		Auth:     middleware.NewAuthMiddleware(c.Auth.AccessSecret, sessioncache.NewReader(redis.MustNewRedis(c.SessionRedis)), users).Handle,
		Admin:    middleware.NewAdminMiddleware().Handle,
		UserRpc:  users,
		OrderRpc: order_client.NewOrder(rpcclient.MustNew(c.OrderRpc, id.Client("order-rpc"), zrpc.WithUnaryClientInterceptor(interceptor.Gateway))),
	}
}
