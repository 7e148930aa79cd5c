package svc

import (
	"net/http"
	"time"

	"zeromall/apps/payment/api/internal/config"
	"zeromall/apps/payment/api/internal/middleware"
	"zeromall/apps/payment/rpc/payment_client"
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
	Config            config.Config
	Auth              rest.Middleware
	CallbackSignature rest.Middleware
	PaymentRpc        payment_client.Payment
	// ProviderClient is the sandbox provider's HTTP client for calling our callback.
	ProviderClient *http.Client
}

func NewServiceContext(c config.Config) *ServiceContext {
	id := rpcauth.MustLoad(c.RpcIdentity)
	return &ServiceContext{
		Config:            c,
		Auth:              middleware.NewAuthMiddleware(c.Auth.AccessSecret, sessioncache.NewReader(redis.MustNewRedis(c.SessionRedis)), user_client.NewUser(rpcclient.MustNew(c.UserRpc, id.Client("user-rpc"), zrpc.WithUnaryClientInterceptor(interceptor.Gateway)))).Handle,
		CallbackSignature: middleware.NewCallbackSignatureMiddleware(c.Callback.Secret).Handle,
		PaymentRpc:        payment_client.NewPayment(rpcclient.MustNew(c.PaymentRpc, id.Client("payment-rpc"), zrpc.WithUnaryClientInterceptor(interceptor.Gateway))),
		ProviderClient:    &http.Client{Timeout: 5 * time.Second},
	}
}
