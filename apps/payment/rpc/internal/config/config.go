package config

import (
	"errors"
	"fmt"
	"time"
	"zeromall/pkg/confx"
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

	// Relay delivers outbox messages to order-rpc: every Interval (and at once after a payment
	// changes), leasing Batch at a time for Lease, retrying a failed delivery after a backoff that
	// doubles from MinBackoff up to MaxBackoff, for ever: nothing acknowledged is dropped. The
	// outbox's backlog is sampled into metrics every StatsInterval.
	Relay struct {
		Interval      time.Duration `json:",default=1s"`
		Batch         int           `json:",default=50,range=[1:500]"`
		Lease         time.Duration `json:",default=30s"`
		MinBackoff    time.Duration `json:",default=200ms"`
		MaxBackoff    time.Duration `json:",default=30s"`
		StatsInterval time.Duration `json:",default=5s"`
	}

	// PaymentExpiry: a pending payment expires After it was opened (checked every Interval, Batch
	// at a time), and its order is held from auto-cancel SettleGrace longer.
	// Retention: delivered outbox messages are deleted Outbox.Keep after delivery (package
	// retention).
	Retention struct {
		Outbox store.RetentionConfig
	}
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
	var relay, lease, expiry error
	if c.Relay.Interval <= 0 || c.Relay.MinBackoff <= 0 || c.Relay.MaxBackoff < c.Relay.MinBackoff || c.Relay.StatsInterval <= 0 {
		relay = errors.New("relay settings: Relay.Interval, Relay.StatsInterval and Relay.MinBackoff must be positive, Relay.MaxBackoff at least Relay.MinBackoff")
	}
	if callTimeout := time.Duration(c.OrderRpc.Timeout) * time.Millisecond; c.Relay.Lease < 4*callTimeout {
		lease = fmt.Errorf("Relay.Lease (%s) must be at least 4 times OrderRpc.Timeout (%s): a lease that ends while its call is in flight lets another relay deliver the same message", c.Relay.Lease, callTimeout)
	}
	if c.PaymentExpiry.After <= 0 || c.PaymentExpiry.SettleGrace < 0 || c.PaymentExpiry.Interval <= 0 {
		expiry = errors.New("payment expiry: PaymentExpiry.After and PaymentExpiry.Interval must be positive, PaymentExpiry.SettleGrace not negative")
	}
	return errors.Join(
		env.Service(c.ServiceConf),
		c.Config.Check(env, "PAYMENT_DB_DSN"),
		c.RpcIdentity.Check(env),
		rpcx.Target("OrderRpc", c.OrderRpc),
		relay,
		lease,
		expiry,
		c.Retention.Outbox.Check("Outbox"),
	)
}
