package config

import (
	"errors"

	"zeromall/pkg/confx"
	"zeromall/pkg/gateway"
	"zeromall/pkg/rpcx"

	"github.com/zeromicro/go-zero/zrpc"
)

type Config struct {
	gateway.Config
	OrderRpc zrpc.RpcClientConf
}

// Check reports everything env refuses in c, and what would not run (confx.Load calls it).
func (c Config) Check(env confx.Env) error {
	return errors.Join(
		c.Config.Check(env),
		rpcx.Target("OrderRpc", c.OrderRpc),
	)
}
