// Package store is the MySQL database and Redis cache every rpc service owns:
//
//   - store.go: one configuration block, checked and opened the same way in each service;
//     replica.go reads from a replica that keeps up; dsn.go, aftercommit.go: connection details;
//   - migrate.go applies a service's versioned migrations at start;
//   - journal.go makes dropping stale cache entries as durable as the write (the invalidation
//     journal); cache.go keeps cached reads answering when Redis does not;
//   - errors.go classifies MySQL errors; retention.go runs the jobs that keep tables small.
package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"time"

	"zeromall/pkg/confx"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Config is embedded in each rpc's config, so its fields stay at the top level of the YAML.
type Config struct {
	DB struct {
		DataSource string
		// Migrate applies the service's migrations at start (serialized across instances).
		Migrate bool `json:",default=true"`
		// Replica is a read replica's DSN: Replica.Read sends lag-tolerant reads there while it
		// replicates within MaxReplicaLag. Empty: every read goes to DataSource.
		Replica       string        `json:",optional"`
		MaxReplicaLag time.Duration `json:",default=2s"`
		// OwnWritesFor keeps a user's reads of their own data on the primary this long after
		// they changed it; it must outlast MaxReplicaLag and a probe interval.
		OwnWritesFor time.Duration `json:",default=10s"`
	}
	Cache               cache.CacheConf
	CacheExpiry         time.Duration `json:",default=1h"`
	CacheNotFoundExpiry time.Duration `json:",default=1m"`
}

// Check reports what env refuses in c; dsnVar names the variable that sets DB.DataSource.
func (c Config) Check(env confx.Env, dsnVar string) error {
	var empty error
	if c.DB.DataSource == "" {
		empty = errors.New("DB.DataSource is empty")
	}
	var replica error
	if c.DB.Replica != "" {
		replica = env.DSN("the replica DSN (DB.Replica)", c.DB.Replica)
		if c.DB.OwnWritesFor <= c.DB.MaxReplicaLag+probeEvery {
			replica = errors.Join(replica, fmt.Errorf("DB.OwnWritesFor %s must exceed DB.MaxReplicaLag %s + %s",
				c.DB.OwnWritesFor, c.DB.MaxReplicaLag, probeEvery))
		}
	}
	var caches error
	if len(c.Cache) != 1 {
		// The invalidation journal deletes keys in that one Redis (pkg/store).
		caches = fmt.Errorf("cache: %d entries in Cache, want 1: a Redis node, or a Redis Cluster (every node in Host, Type cluster)", len(c.Cache))
	}
	return errors.Join(
		env.DSN(dsnVar+" (DB.DataSource)", c.DB.DataSource),
		caches,
		replica,
		env.CachePasswords("REDIS_PASSWORD (Cache)", c.Cache),
		empty,
	)
}

// OpenJournal returns the service's cache invalidation journal on db, its open connection, in the
// one Redis of Cache. Its records are drained a second after their commit, or after
// MaxReplicaLag when reads may come from a replica: a page a reader filled from a replica that
// had not yet applied the commit is deleted too.
func (c Config) OpenJournal(db sqlx.SqlConn) *Journal {
	delay := time.Second
	if c.DB.Replica != "" {
		delay = max(delay, c.DB.MaxReplicaLag)
	}
	return NewJournal(db, redis.MustNewRedis(c.Cache[0].RedisConf), delay)
}

// CacheOptions are the cache expiries for goctl's cached models (go-zero's default is 7 days).
func (c Config) CacheOptions() []cache.Option {
	return []cache.Option{cache.WithExpiry(c.CacheExpiry), cache.WithNotFoundExpiry(c.CacheNotFoundExpiry)}
}

// MustOpen sets up logging, applies migrations when DB.Migrate is set, exiting with the reason
// when they fail (before the server registers in etcd), and returns the connection the models
// share: with DB.Replica set, go-zero's read/write split sends the reads marked by Replica.Read
// there. Per-statement logging is turned off; slow statements are still logged. Statements
// travel with their arguments interpolated (OneRoundTrip).
func (c Config) MustOpen(log logx.LogConf, service string, migrations fs.FS) sqlx.SqlConn {
	logx.MustSetup(log)
	if c.DB.Migrate {
		applied, err := Migrate(context.Background(), c.DB.DataSource, migrations)
		if err != nil {
			fmt.Fprintf(os.Stderr, "migrate %s: %v\n", service, err)
			os.Exit(1)
		}
		logx.Infof("%s migrations applied: %v", service, applied)
	}
	sqlx.DisableStmtLog()
	var replicas []string
	if c.DB.Replica != "" {
		replicas = []string{c.DB.Replica}
	}
	db := NewConn(c.DB.DataSource, replicas...)
	if err := reach(db, reachFor); err != nil {
		fmt.Fprintf(os.Stderr, "%s: MySQL: %v\n", service, err)
		os.Exit(1)
	}
	return db
}

// NewConn opens dsn (and its read replicas) the way every service does: statements travel with
// their arguments interpolated (OneRoundTrip), and the answers that are not MySQL failing do not
// count against go-zero's breaker (answered). Tests of the domain packages open their database
// with it too, so that their breaker behaves as the service's does.
func NewConn(dsn string, replicas ...string) sqlx.SqlConn {
	conf := sqlx.SqlConf{DataSource: mustOneRoundTrip(dsn), DriverName: "mysql"}
	for _, r := range replicas {
		conf.Replicas = append(conf.Replicas, mustOneRoundTrip(r))
	}
	return sqlx.MustNewConn(conf, sqlx.WithAcceptable(answered))
}

// answered reports whether MySQL answered a failed statement or transaction: a duplicate key, or
// a business rule a transaction refused on (out of stock, an illegal transition). Neither counts
// against go-zero's breaker, which is shared by every query of the process: a burst of sold-out
// orders must not open it for everyone.
func answered(err error) bool {
	if IsDuplicate(err) {
		return true
	}
	var ce *xerr.CodeError
	return errors.As(err, &ce) && ce.HTTPStatus < http.StatusInternalServerError
}

// reachFor bounds how long a starting process waits for MySQL before it gives up (and its
// orchestrator restarts it). Until MySQL answers the server is not started, so it is neither
// registered in etcd nor ready (go-zero's cache connects to Redis the same way, in the models).
const reachFor = time.Minute

func reach(db sqlx.SqlConn, within time.Duration) error {
	raw, err := db.RawDB()
	if err != nil {
		return err
	}
	deadline := time.Now().Add(within)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err = raw.PingContext(ctx)
		cancel()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		logx.Errorf("waiting for MySQL: %v", err)
		time.Sleep(time.Second)
	}
}

// Reachable is a readiness check of db: it answers a ping within ctx's deadline. A ping that fails
// at once is tried again until the deadline: after a failover the pool still holds connections to
// the node that died, and each fails once before it is dropped; that is not MySQL being away.
func Reachable(db sqlx.SqlConn) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		raw, err := db.RawDB()
		if err != nil {
			return err
		}
		for {
			err := raw.PingContext(ctx)
			if err == nil || ctx.Err() != nil {
				return err
			}
			select {
			case <-ctx.Done():
				return err
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

// OpenReplica starts watching DB.Replica's replication; nil when no replica is configured.
func (c Config) OpenReplica() *Replica {
	if c.DB.Replica == "" {
		return nil
	}
	return NewReplica(ReplicationLag(c.DB.Replica), c.DB.MaxReplicaLag)
}
