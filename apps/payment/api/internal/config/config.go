package config

import (
	"errors"
	"fmt"

	"zeromall/pkg/clientip"
	"zeromall/pkg/deployenv"
	"zeromall/pkg/jwtx"
	"zeromall/pkg/rpcauth"

	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/rest"
	"github.com/zeromicro/go-zero/zrpc"
)

type Config struct {
	rest.RestConf
	// TrustedProxies are the CIDRs of the proxies in front of the gateway whose X-Forwarded-For
	// is believed; empty (the default), the TCP peer is the client.
	TrustedProxies []string `json:",optional"`
	// Auth verifies access tokens minted by user-rpc (same secret); user-rpc checks their sessions.
	Auth struct {
		AccessSecret string
	}
	// SessionRedis holds the session states user-rpc publishes (pkg/sessioncache).
	SessionRedis redis.RedisConf
	// RpcIdentity is this process's mutual-TLS identity towards the rpc services (pkg/rpcauth).
	RpcIdentity rpcauth.Config
	UserRpc     zrpc.RpcClientConf
	PaymentRpc  zrpc.RpcClientConf

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

// Validate rejects configurations that would run insecurely or dial the wrong service.
func (c Config) Validate() error {
	env, err := deployenv.Current()
	if err != nil {
		return err
	}
	if err := errors.Join(
		env.Service(c.ServiceConf),
		env.Secret("JWT_SECRET (Auth.AccessSecret)", c.Auth.AccessSecret, jwtx.MinSecretLen),
		env.RedisPassword("REDIS_PASSWORD (SessionRedis.Pass)", c.SessionRedis.Pass),
		env.Secret("PAYMENT_CALLBACK_SECRET (Callback.Secret)", c.Callback.Secret, jwtx.MinSecretLen),
		c.checkSandbox(env),
		c.RpcIdentity.Check(env),
	); err != nil {
		return err
	}
	if _, err := clientip.New(c.TrustedProxies); err != nil {
		return fmt.Errorf("TrustedProxies: %w", err)
	}
	if c.UserRpc.Etcd.Key == "" && len(c.UserRpc.Endpoints) == 0 {
		return fmt.Errorf("UserRpc.Etcd.Key is empty")
	}
	if c.PaymentRpc.Etcd.Key == "" && len(c.PaymentRpc.Endpoints) == 0 {
		return fmt.Errorf("PaymentRpc.Etcd.Key is empty")
	}
	if c.Sandbox.Enabled && c.Sandbox.CallbackURL == "" {
		return fmt.Errorf("Sandbox.CallbackURL is empty")
	}
	return nil
}

// checkSandbox keeps the simulated provider, which pays without money, out of production.
func (c Config) checkSandbox(env deployenv.Env) error {
	if c.Sandbox.Enabled && env == deployenv.Production {
		return fmt.Errorf("the sandbox provider (Sandbox.Enabled, PAYMENT_SANDBOX) pays without money: not allowed when %s=production", deployenv.Var)
	}
	return nil
}
