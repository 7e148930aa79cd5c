package svc

import (
	"zeromall/apps/payment/api/internal/config"
	"zeromall/apps/payment/api/internal/middleware"
	paymentaccess "zeromall/apps/payment/rpc/access"
	"zeromall/apps/payment/rpc/payment_client"
	useraccess "zeromall/apps/user/rpc/access"
	"zeromall/apps/user/rpc/user_client"
	"zeromall/pkg/gateway"

	"github.com/zeromicro/go-zero/rest"
)

type ServiceContext struct {
	Config            config.Config
	Auth              rest.Middleware
	CallbackSignature rest.Middleware
	PaymentRpc        payment_client.Payment
}

func NewServiceContext(c config.Config, gw *gateway.Gateway) *ServiceContext {
	users := user_client.NewUser(gw.Client("user-rpc", c.UserRpc, useraccess.Rules))
	return &ServiceContext{
		Config:            c,
		Auth:              gw.Auth(useraccess.CheckSession(users)),
		CallbackSignature: middleware.NewCallbackSignatureMiddleware(c.Callback.Secret).Handle,
		PaymentRpc:        payment_client.NewPayment(gw.Client("payment-rpc", c.PaymentRpc, paymentaccess.Rules)),
	}
}
