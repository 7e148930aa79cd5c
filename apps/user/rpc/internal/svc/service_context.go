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
	l, limits := c.LoginLimit, limiter.NewStore(rds)
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
				PerClient:    limits.Window("user:login:ip:", l.IPQuota, l.Period),
				PerPair:      limits.Window("user:login:failures:", l.AccountFailures, l.Period),
				PerAccount:   limits.Window("user:login:account:", l.AccountSlowAfter, l.Period),
				SlowDown:     limits.Window("user:login:slow:", 1, l.SlowInterval),
				KnownClients: limits.Window("user:login:known:", 1, l.KnownClientFor),
			},
			Registrations: limits.Window("user:register:ip:", c.RegisterLimit.IPQuota, c.RegisterLimit.Period),
		},
	}
}
