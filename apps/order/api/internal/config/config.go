package config

import (
	"fmt"

	"zeromall/pkg/jwtx"

	"github.com/zeromicro/go-zero/rest"
	"github.com/zeromicro/go-zero/zrpc"
)

type Config struct {
	rest.RestConf
	// Auth verifies access tokens minted by user-rpc (same secret).
	Auth struct {
		AccessSecret string
	}
	UserRpc  zrpc.RpcClientConf
	OrderRpc zrpc.RpcClientConf
}

// Validate rejects configurations that would run insecurely or dial the wrong service.
func (c Config) Validate() error {
	if err := jwtx.CheckSecret(c.Auth.AccessSecret); err != nil {
		return fmt.Errorf("Auth.AccessSecret: %w", err)
	}
	if c.UserRpc.Etcd.Key == "" && len(c.UserRpc.Endpoints) == 0 {
		return fmt.Errorf("UserRpc.Etcd.Key is empty")
	}
	if c.OrderRpc.Etcd.Key == "" && len(c.OrderRpc.Endpoints) == 0 {
		return fmt.Errorf("OrderRpc.Etcd.Key is empty")
	}
	return nil
}
