package config

import (
	"errors"
	"fmt"
	"time"
	"zeromall/pkg/deployenv"
	"zeromall/pkg/overload"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/zrpc"
)

type Config struct {
	zrpc.RpcServerConf
	// RpcIdentity is this process's mutual-TLS identity towards the rpc services (pkg/rpcauth).
	RpcIdentity rpcauth.Config
	// Overload tunes the admission lane of each method (pkg/overload, doc/resilience.md).
	Overload overload.Config

	// store.Config: DB (migrations from deploy/sql/payment), Cache, CacheExpiry, CacheNotFoundExpiry.
	store.Config

	OrderRpc zrpc.RpcClientConf

	// Relay delivers outbox messages to order-rpc: every Interval (and at once after a payment
	// changes), Batch at a time, retrying a failed delivery after a backoff that doubles from
	// MinBackoff up to MaxBackoff, for ever: nothing acknowledged is dropped.
	Relay struct {
		Interval   time.Duration `json:",default=1s"`
		Batch      int           `json:",default=50,range=[1:500]"`
		MinBackoff time.Duration `json:",default=200ms"`
		MaxBackoff time.Duration `json:",default=30s"`
	}
}

// Validate rejects configurations that would not run or would dial the wrong service.
func (c Config) Validate() error {
	env, err := deployenv.Current()
	if err != nil {
		return err
	}
	if err := errors.Join(
		env.Service(c.ServiceConf),
		c.Check(env, "PAYMENT_DB_DSN"),
		c.RpcIdentity.Check(env),
	); err != nil {
		return err
	}
	if c.OrderRpc.Etcd.Key == "" && len(c.OrderRpc.Endpoints) == 0 {
		return fmt.Errorf("OrderRpc.Etcd.Key is empty")
	}
	if c.Relay.Interval <= 0 || c.Relay.MinBackoff <= 0 || c.Relay.MaxBackoff < c.Relay.MinBackoff {
		return errors.New("relay settings: Relay.Interval and Relay.MinBackoff must be positive, Relay.MaxBackoff at least Relay.MinBackoff")
	}
	return nil
}
