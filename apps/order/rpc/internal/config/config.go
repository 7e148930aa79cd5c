package config

import (
	"errors"
	"fmt"
	"time"

	"zeromall/pkg/confx"
	"zeromall/pkg/events"
	"zeromall/pkg/overload"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/zrpc"
)

type Config struct {
	zrpc.RpcServerConf
	// RpcIdentity is this process's mutual-TLS identity towards the rpc services (pkg/rpcauth).
	RpcIdentity rpcauth.Config

	// store.Config: DB (migrations from apps/order/model/migrations), Cache, CacheExpiry, CacheNotFoundExpiry.
	store.Config

	// Overload tunes the admission lane of each method (pkg/overload, doc/resilience.md).
	Overload overload.Config

	// AutoCancel cancels and restocks orders left unpaid for After, scanning every Interval.
	AutoCancel struct {
		After    time.Duration `json:",default=15m"`
		Interval time.Duration `json:",default=30s"`
		Batch    int           `json:",default=100,range=[1:1000]"`
	}

	// Limits bound the stock one buyer can tie up without paying (orders.Limits).
	Limits struct {
		PendingPerUser int64         `json:",default=5,range=[1:1000000]"`
		MaxHold        time.Duration `json:",default=1h"`
	}

	// Events: the broker, the outbox relay that publishes order events, the consumer of payment
	// events, and how long published rows and inbox records are kept (pkg/events).
	Events events.ServiceConfig

	// Retention: stock changes older than Ledger.Keep are folded into their product's
	// initial_stock (package retention, orders.FoldLedgerBefore).
	Retention struct {
		Ledger store.RetentionConfig
	}

	// Idempotency: an Idempotency-Key is remembered for KeyTTL; expired keys are purged every
	// PurgeInterval, PurgeBatch at a time.
	Idempotency struct {
		KeyTTL        time.Duration `json:",default=24h"`
		PurgeInterval time.Duration `json:",default=10m"`
		PurgeBatch    int           `json:",default=1000,range=[1:10000]"`
	}
}

// Check reports everything env refuses in c, and what would not run (confx.Load calls it).
func (c Config) Check(env confx.Env) error {
	var autoCancel, hold, keys error
	if c.AutoCancel.After <= 0 || c.AutoCancel.Interval <= 0 {
		autoCancel = errors.New("AutoCancel.After and AutoCancel.Interval must be positive")
	}
	if c.Limits.MaxHold <= c.AutoCancel.After {
		hold = fmt.Errorf("Limits.MaxHold (%s) must be longer than AutoCancel.After (%s)", c.Limits.MaxHold, c.AutoCancel.After)
	}
	if c.Idempotency.KeyTTL <= 0 || c.Idempotency.PurgeInterval <= 0 {
		keys = errors.New("Idempotency.KeyTTL and Idempotency.PurgeInterval must be positive")
	}
	return errors.Join(
		env.Service(c.ServiceConf),
		c.Config.Check(env, "ORDER_DB_DSN"),
		c.RpcIdentity.Check(env),
		autoCancel,
		hold,
		keys,
		c.Retention.Ledger.Check("Ledger"),
		c.Events.Check(env),
	)
}
