package config

import (
	"errors"
	"time"

	"zeromall/pkg/confx"
	"zeromall/pkg/overload"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/session"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/zrpc"
)

type Config struct {
	zrpc.RpcServerConf
	// RpcIdentity is this process's mutual-TLS identity towards the rpc services (pkg/rpcauth).
	RpcIdentity rpcauth.Config
	// Overload tunes the admission lane of each method (pkg/overload, doc/resilience.md).
	Overload overload.Config

	// store.Config: DB (migrations from apps/user/model/migrations), Cache, CacheExpiry, CacheNotFoundExpiry.
	store.Config
	// BizRedis backs the login and registration limiters.
	BizRedis redis.RedisConf

	JWT struct {
		AccessSecret string
		AccessExpire time.Duration `json:",default=15m"`
	}
	Session struct {
		MaxAge time.Duration `json:",default=720h"` // a session ends this long after login, refreshed or not
		// CheckCacheFor is how long a session's checked state is published for the gateways
		// (pkg/session): the longest an edit made outside the service (a user disabled in
		// SQL) takes to reach every gateway. Logout and refresh-token reuse reach them at once.
		CheckCacheFor time.Duration `json:",default=5s"`
	}
	BcryptCost int `json:",default=10,range=[4:14]"`
	// LoginLimit: doc/security.md says what these guarantee.
	LoginLimit struct {
		Period  time.Duration `json:",default=15m"`
		IPQuota int           `json:",default=100"` // login attempts per client IP per period
		// AccountFailures are the failed logins per account and client IP per period; a success
		// from that IP clears them.
		AccountFailures int `json:",default=10"`
		// Past AccountSlowAfter failures per account per period from all clients together, clients
		// that have not logged into the account in KnownClientFor get one attempt per SlowInterval.
		AccountSlowAfter int           `json:",default=50"`
		SlowInterval     time.Duration `json:",default=5s"`
		KnownClientFor   time.Duration `json:",default=720h"`
	}
	// Retention: ended sessions are deleted Sessions.Keep after they expired (package retention).
	Retention struct {
		Sessions store.RetentionConfig
	}
	RegisterLimit struct {
		Period  time.Duration `json:",default=1h"`
		IPQuota int           `json:",default=20"` // registrations per client IP per period
	}
}

// Check reports everything env refuses in c, and what would not run (confx.Load calls it).
func (c Config) Check(env confx.Env) error {
	var periods, expire error
	if c.LoginLimit.Period < time.Second || c.RegisterLimit.Period < time.Second ||
		c.LoginLimit.SlowInterval < time.Second || c.LoginLimit.KnownClientFor < time.Second {
		periods = errors.New("LoginLimit.Period, SlowInterval, KnownClientFor and RegisterLimit.Period must be at least 1s")
	}
	if c.JWT.AccessExpire < time.Minute || c.JWT.AccessExpire > c.Session.MaxAge {
		expire = errors.New("JWT.AccessExpire must be between 1m and Session.MaxAge")
	}
	return errors.Join(
		env.Service(c.ServiceConf),
		c.Config.Check(env, "USER_DB_DSN"),
		c.RpcIdentity.Check(env),
		env.Secret("JWT_SECRET (JWT.AccessSecret)", c.JWT.AccessSecret, session.MinSecretLen),
		env.RedisPassword("REDIS_PASSWORD (BizRedis.Pass)", c.BizRedis.Pass),
		periods,
		expire,
		c.Retention.Sessions.Check("Sessions"),
	)
}
