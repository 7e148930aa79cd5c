package config

import (
	"errors"

	"zeromall/pkg/confx"
	"zeromall/pkg/gateway"
	"zeromall/pkg/rpcx"
	"zeromall/pkg/session"

	"github.com/zeromicro/go-zero/zrpc"
)

type Config struct {
	gateway.Config
	PaymentRpc zrpc.RpcClientConf

	// Callback is the provider webhook: its body is signed with Secret (HMAC-SHA256).
	Callback struct {
		Secret string
	}
	// PayURL is where a buyer pays: the payment number is appended.
	PayURL string
}

// Check reports everything env refuses in c, and what would not run (confx.Load calls it).
func (c Config) Check(env confx.Env) error {
	return errors.Join(
		c.Config.Check(env),
		rpcx.Target("PaymentRpc", c.PaymentRpc),
		env.Secret("PAYMENT_CALLBACK_SECRET (Callback.Secret)", c.Callback.Secret, session.MinSecretLen),
	)
}
