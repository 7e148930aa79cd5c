package svc

import (
	"time"

	"zeromall/apps/user/model"
	"zeromall/apps/user/rpc/internal/config"
	"zeromall/apps/user/rpc/internal/limiter"
	"zeromall/apps/user/rpc/internal/sessions"
	"zeromall/pkg/jwtx"
	"zeromall/pkg/sessioncache"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

type ServiceContext struct {
	Config   config.Config
	Users    model.UsersModel
	Sessions *sessions.Service
	// LoginFailures counts an account's logins since its last success (its failures, and the
	// attempts in flight); LoginAttempts every login per client IP; Registrations every
	// registration per client IP.
	LoginFailures *limiter.Window
	LoginAttempts *limiter.Window
	Registrations *limiter.Window
}

func NewServiceContext(c config.Config) *ServiceContext {
	conn := sqlx.NewMysql(c.DB.DataSource)
	rds := redis.MustNewRedis(c.BizRedis)
	users := model.NewUsersModel(conn, c.Cache,
		cache.WithExpiry(c.CacheExpiry), cache.WithNotFoundExpiry(c.CacheNotFoundExpiry))
	return &ServiceContext{
		Config: c,
		Users:  users,
		Sessions: &sessions.Service{
			Sessions: model.NewSessionsModel(conn, c.Cache,
				cache.WithExpiry(c.CacheExpiry), cache.WithNotFoundExpiry(c.CacheNotFoundExpiry)),
			// An ended session's tombstone outlives its last access token.
			Published: sessioncache.New(rds, c.Session.CheckCacheFor, c.JWT.AccessExpire+jwtx.Leeway),
			Secret:    c.JWT.AccessSecret,
			AccessTTL: c.JWT.AccessExpire,
			MaxAge:    c.Session.MaxAge,
			Now:       time.Now,
		},
		LoginFailures: limiter.New(rds, "user:login:failures:", c.LoginLimit.AccountFailures, c.LoginLimit.Period),
		LoginAttempts: limiter.New(rds, "user:login:ip:", c.LoginLimit.IPQuota, c.LoginLimit.Period),
		Registrations: limiter.New(rds, "user:register:ip:", c.RegisterLimit.IPQuota, c.RegisterLimit.Period),
	}
}
