package config

import (
	"errors"
	"time"
	"zeromall/pkg/confx"
	"zeromall/pkg/events"
	"zeromall/pkg/overload"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/rpcx"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/zrpc"
)

type Config struct {
	zrpc.RpcServerConf
	// RpcIdentity is this process's mutual-TLS identity towards the rpc services (pkg/rpcauth).
	RpcIdentity rpcauth.Config
	// Overload tunes the admission lane of each method (pkg/overload, doc/resilience.md).
	Overload overload.Config

	// store.Config: DB (migrations from apps/payment/model/migrations), Cache, CacheExpiry, CacheNotFoundExpiry.
	store.Config

	OrderRpc zrpc.RpcClientConf

	// Events: the broker, the outbox relay that publishes payment events, the consumer of order
	// events, and how long published rows and inbox records are kept (pkg/events).
	Events events.ServiceConfig

	// PaymentExpiry: a pending payment expires After it was opened (checked every Interval, Batch
	// at a time), and its order is held from auto-cancel SettleGrace longer.
	PaymentExpiry struct {
		After       time.Duration `json:",default=15m"`
		SettleGrace time.Duration `json:",default=2m"`
		Interval    time.Duration `json:",default=10s"`
		Batch       int           `json:",default=100,range=[1:1000]"`
	}
}

// Check reports everything env refuses in c, and what would not run or would dial the wrong
// service (confx.Load calls it).
func (c Config) Check(env confx.Env) error {
	var expiry error
	if c.PaymentExpiry.After <= 0 || c.PaymentExpiry.SettleGrace < 0 || c.PaymentExpiry.Interval <= 0 {
		expiry = errors.New("payment expiry: PaymentExpiry.After and PaymentExpiry.Interval must be positive, PaymentExpiry.SettleGrace not negative")
	}
	return errors.Join(
		env.Service(c.ServiceConf),
		c.Config.Check(env, "PAYMENT_DB_DSN"),
		c.RpcIdentity.Check(env),
		rpcx.Target("OrderRpc", c.OrderRpc),
		c.Events.Check(env),
		expiry,
	)
}
