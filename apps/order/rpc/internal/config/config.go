package config

import (
	"errors"
	"fmt"
	"time"

	"zeromall/pkg/deployenv"
	"zeromall/pkg/interceptor"
	"zeromall/pkg/rpcauth"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/zrpc"
)

type Config struct {
	zrpc.RpcServerConf
	// RpcIdentity is this process's mutual-TLS identity towards the rpc services (pkg/rpcauth).
	RpcIdentity rpcauth.Config

	DB struct {
		DataSource string
		// Migrate applies deploy/sql/order migrations at start (serialized across instances).
		Migrate bool `json:",default=true"`
	}
	Cache               cache.CacheConf
	CacheExpiry         time.Duration `json:",default=1h"`
	CacheNotFoundExpiry time.Duration `json:",default=1m"`

	// MaxInFlight caps concurrent calls of MySQL-bound methods; calls beyond it are rejected at
	// once (503 at the gateway) instead of queueing into timeouts.
	MaxInFlight []interceptor.InFlightLimit `json:",optional"`

	// AutoCancel cancels and restocks orders left unpaid for After, scanning every Interval.
	AutoCancel struct {
		After    time.Duration `json:",default=15m"`
		Interval time.Duration `json:",default=30s"`
		Batch    int           `json:",default=100,range=[1:1000]"`
	}
}

// Validate rejects configurations that would not run.
func (c Config) Validate() error {
	env, err := deployenv.Current()
	if err != nil {
		return err
	}
	if err := errors.Join(
		env.Service(c.ServiceConf),
		env.DSN("ORDER_DB_DSN (DB.DataSource)", c.DB.DataSource),
		env.CachePasswords("REDIS_PASSWORD (Cache)", c.Cache),
		c.RpcIdentity.Check(env),
	); err != nil {
		return err
	}
	if c.DB.DataSource == "" {
		return fmt.Errorf("DB.DataSource is empty")
	}
	if c.AutoCancel.After <= 0 || c.AutoCancel.Interval <= 0 {
		return fmt.Errorf("AutoCancel.After and AutoCancel.Interval must be positive")
	}
	return nil
}
