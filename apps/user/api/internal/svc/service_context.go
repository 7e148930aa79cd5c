package svc

import (
	"zeromall/apps/user/api/internal/config"
	useraccess "zeromall/apps/user/rpc/access"
	"zeromall/apps/user/rpc/user_client"
	"zeromall/pkg/gateway"

	"github.com/zeromicro/go-zero/rest"
)

type ServiceContext struct {
	Config  config.Config
	Auth    rest.Middleware
	UserRpc user_client.User
}

func NewServiceContext(c config.Config, gw *gateway.Gateway) *ServiceContext {
	users := user_client.NewUser(gw.Client("user-rpc", c.UserRpc, useraccess.Rules))
	return &ServiceContext{
		Config:  c,
		Auth:    gw.Auth(useraccess.CheckSession(users)),
		UserRpc: users,
	}
}
