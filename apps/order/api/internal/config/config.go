package config

import (
	"errors"

	"zeromall/pkg/deployenv"
	"zeromall/pkg/gatewayconf"
	"zeromall/pkg/rpcclient"

	"github.com/zeromicro/go-zero/zrpc"
)

type Config struct {
	gatewayconf.Config
	OrderRpc zrpc.RpcClientConf
}

// Check reports everything env refuses in c, and what would not run (confx.Load calls it).
func (c Config) Check(env deployenv.Env) error {
	return errors.Join(
		c.Config.Check(env),
		rpcclient.Target("OrderRpc", c.OrderRpc),
	)
}
