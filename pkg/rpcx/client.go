// client.go builds every zRPC client the same way: go-zero's p2c balancer over the
// instances whose gRPC health says SERVING, and a breaker per method that counts only the hop's
// own failures (hopBreaker). go-zero's own client does not check health, and with two instances
// its balancer compares only their latency, so an instance that fails fast (its database breaker
// open) would draw more calls than the healthy one, not fewer.

package rpcx

import (
	"fmt"

	"github.com/zeromicro/go-zero/zrpc"
	"google.golang.org/grpc"
	_ "google.golang.org/grpc/health" // the client side of gRPC health checking
)

// serviceConfig keeps go-zero's balancer (p2c_ewma, its default) and asks each instance's health
// service; pkg/rpcx's follows the server's readiness.
const serviceConfig = `{"loadBalancingPolicy":"p2c_ewma","healthCheckConfig":{"serviceName":""}}`

// MustNewClient is zrpc.MustNewClient with health checking and hopBreaker in place of go-zero's client
// breaker; opts come after them.
func MustNewClient(c zrpc.RpcClientConf, opts ...zrpc.ClientOption) zrpc.Client {
	c.Middlewares.Breaker = false
	// zrpc.NewClient sets its own default service config before opts: the last one set wins.
	return zrpc.MustNewClient(c, append([]zrpc.ClientOption{
		zrpc.WithDialOption(grpc.WithDefaultServiceConfig(serviceConfig)),
		zrpc.WithUnaryClientInterceptor(hopBreaker),
	}, opts...)...)
}

// Target checks that an rpc client configuration names its service (an etcd key or endpoints);
// name is the field's name in the config.
func Target(name string, c zrpc.RpcClientConf) error {
	if c.Etcd.Key == "" && len(c.Endpoints) == 0 {
		return fmt.Errorf("%s.Etcd.Key is empty", name)
	}
	return nil
}
