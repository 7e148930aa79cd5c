// Package store is the MySQL database and Redis cache every rpc service owns: one configuration
// block, checked and opened the same way in each.
package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"zeromall/pkg/deployenv"
	"zeromall/pkg/migrate"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Config is embedded in each rpc's config, so its fields stay at the top level of the YAML.
type Config struct {
	DB struct {
		DataSource string
		// Migrate applies the service's migrations at start (serialized across instances).
		Migrate bool `json:",default=true"`
	}
	Cache               cache.CacheConf
	CacheExpiry         time.Duration `json:",default=1h"`
	CacheNotFoundExpiry time.Duration `json:",default=1m"`
}

// Check reports what env refuses in c; dsnVar names the variable that sets DB.DataSource.
func (c Config) Check(env deployenv.Env, dsnVar string) error {
	var empty error
	if c.DB.DataSource == "" {
		empty = errors.New("DB.DataSource is empty")
	}
	return errors.Join(
		env.DSN(dsnVar+" (DB.DataSource)", c.DB.DataSource),
		env.CachePasswords("REDIS_PASSWORD (Cache)", c.Cache),
		empty,
	)
}

// CacheOptions are the cache expiries for goctl's cached models (go-zero's default is 7 days).
func (c Config) CacheOptions() []cache.Option {
	return []cache.Option{cache.WithExpiry(c.CacheExpiry), cache.WithNotFoundExpiry(c.CacheNotFoundExpiry)}
}

// MustOpen sets up logging, applies migrations when DB.Migrate is set, exiting with the reason
// when they fail (before the server registers in etcd), and returns the connection the models
// share. Per-statement logging is turned off; slow statements are still logged.
func (c Config) MustOpen(log logx.LogConf, service string, migrations fs.FS) sqlx.SqlConn {
	logx.MustSetup(log)
	if c.DB.Migrate {
		applied, err := migrate.Apply(context.Background(), c.DB.DataSource, migrations)
		if err != nil {
			fmt.Fprintf(os.Stderr, "migrate %s: %v\n", service, err)
			os.Exit(1)
		}
		logx.Infof("%s migrations applied: %v", service, applied)
	}
	sqlx.DisableStmtLog()
	return sqlx.NewMysql(c.DB.DataSource)
}
