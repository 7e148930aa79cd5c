package config

import (
	"errors"

	"zeromall/pkg/deployenv"
	"zeromall/pkg/gatewayconf"

	"github.com/zeromicro/go-zero/zrpc"
)

type Config struct {
	gatewayconf.Config
	UserRpc  zrpc.RpcClientConf
	OrderRpc zrpc.RpcClientConf
}

// Validate rejects configurations that would run insecurely or dial the wrong service.
func (c Config) Validate() error {
	env, err := deployenv.Current()
	if err != nil {
		return err
	}
	return errors.Join(
		c.Check(env),
		gatewayconf.Target("UserRpc", c.UserRpc),
		gatewayconf.Target("OrderRpc", c.OrderRpc),
	)
}
