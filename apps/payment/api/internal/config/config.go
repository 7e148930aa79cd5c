package config

import (
	"errors"
	"fmt"

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
	// Sandbox simulates the provider (POST /payment/v1/sandbox/pay/:sn). Development only.
	Sandbox struct {
		Enabled     bool   `json:",default=false"`
		CallbackURL string `json:",optional"` // our own callback endpoint, as a provider would call it
	}
}

// Check reports everything env refuses in c, and what would not run (confx.Load calls it).
func (c Config) Check(env confx.Env) error {
	return errors.Join(
		c.Config.Check(env),
		rpcx.Target("PaymentRpc", c.PaymentRpc),
		env.Secret("PAYMENT_CALLBACK_SECRET (Callback.Secret)", c.Callback.Secret, session.MinSecretLen),
		c.checkSandbox(env),
		c.checkSandboxURL(),
	)
}

// checkSandbox keeps the simulated provider, which pays without money, out of production.
func (c Config) checkSandbox(env confx.Env) error {
	if c.Sandbox.Enabled && env == confx.Production {
		return fmt.Errorf("the sandbox provider (Sandbox.Enabled, PAYMENT_SANDBOX) pays without money: not allowed when %s=production", confx.EnvVar)
	}
	return nil
}

func (c Config) checkSandboxURL() error {
	if c.Sandbox.Enabled && c.Sandbox.CallbackURL == "" {
		return fmt.Errorf("Sandbox.CallbackURL is empty")
	}
	return nil
}
