package svc

import (
	"time"

	"zeromall/apps/user/model"
	"zeromall/apps/user/rpc/internal/accounts"
	"zeromall/apps/user/rpc/internal/config"
	"zeromall/apps/user/rpc/internal/limiter"
	"zeromall/apps/user/rpc/internal/sessions"
	"zeromall/pkg/invalidation"
	"zeromall/pkg/jwtx"
	"zeromall/pkg/sessioncache"

	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

type ServiceContext struct {
	Config   config.Config
	Accounts *accounts.Service
	Sessions *sessions.Service
	Journal  *invalidation.Journal
}

// NewServiceContext builds the domain on db, the connection main opened (and migrated).
func NewServiceContext(c config.Config, db sqlx.SqlConn) *ServiceContext {
	rds := redis.MustNewRedis(c.BizRedis)
	opts := c.CacheOptions()
	sess := &sessions.Service{
		Sessions: model.NewSessionsModel(db, c.Cache, opts...),
		// An ended session's tombstone outlives its last access token.
		Published: sessioncache.New(rds, c.Session.CheckCacheFor, c.JWT.AccessExpire+jwtx.Leeway),
		Secret:    c.JWT.AccessSecret,
		AccessTTL: c.JWT.AccessExpire,
		MaxAge:    c.Session.MaxAge,
		Now:       time.Now,
	}
	journal := c.OpenJournal(db)
	l := c.LoginLimit
	return &ServiceContext{
		Config:   c,
		Sessions: sess,
		Journal:  journal,
		Accounts: &accounts.Service{
			Users:      model.NewUsersModel(db, c.Cache, opts...),
			Journal:    journal,
			Sessions:   sess,
			BcryptCost: c.BcryptCost,
			LoginLimits: accounts.LoginLimits{
				PerClient:    limiter.New(rds, "user:login:ip:", l.IPQuota, l.Period),
				PerPair:      limiter.New(rds, "user:login:failures:", l.AccountFailures, l.Period),
				PerAccount:   limiter.New(rds, "user:login:account:", l.AccountSlowAfter, l.Period),
				SlowDown:     limiter.New(rds, "user:login:slow:", 1, l.SlowInterval),
				KnownClients: limiter.New(rds, "user:login:known:", 1, l.KnownClientFor),
			},
			Registrations: limiter.New(rds, "user:register:ip:", c.RegisterLimit.IPQuota, c.RegisterLimit.Period),
		},
	}
}
