package svc

import (
	"zeromall/apps/user/model"
	"zeromall/apps/user/rpc/internal/accounts"
	"zeromall/apps/user/rpc/internal/config"
	"zeromall/apps/user/rpc/internal/limiter"
	"zeromall/apps/user/rpc/internal/sessions"
	"zeromall/pkg/session"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

type ServiceContext struct {
	Config   config.Config
	Accounts *accounts.Service
	Sessions *sessions.Service
	Journal  *store.Journal
}

// NewServiceContext builds the domain on db, the connection main opened (and migrated).
func NewServiceContext(c config.Config, db sqlx.SqlConn) *ServiceContext {
	rds := redis.MustNewRedis(c.BizRedis)
	opts := c.CacheOptions()
	// An ended session's tombstone outlives its last access token.
	published := session.NewStore(rds, c.Session.CheckCacheFor, c.JWT.AccessExpire+session.Leeway)
	sess := sessions.New(model.NewSessionsModel(db, c.Cache, opts...), published, c.JWT.AccessSecret,
		sessions.Lifetimes{Access: c.JWT.AccessExpire, Session: c.Session.MaxAge})
	journal := c.OpenJournal(db)
	l, limits := c.LoginLimit, limiter.NewStore(rds)
	login := accounts.LoginLimits{
		PerClient:    limits.Window("user:login:ip:", l.IPQuota, l.Period),
		PerPair:      limits.Window("user:login:failures:", l.AccountFailures, l.Period),
		PerAccount:   limits.Window("user:login:account:", l.AccountSlowAfter, l.Period),
		SlowDown:     limits.Window("user:login:slow:", 1, l.SlowInterval),
		KnownClients: limits.Window("user:login:known:", 1, l.KnownClientFor),
	}
	registrations := limits.Window("user:register:ip:", c.RegisterLimit.IPQuota, c.RegisterLimit.Period)
	return &ServiceContext{
		Config:   c,
		Sessions: sess,
		Journal:  journal,
		Accounts: accounts.New(model.NewUsersModel(db, c.Cache, opts...), journal, sess, c.BcryptCost, login, registrations),
	}
}
