package svc

import (
	"zeromall/apps/user/model"
	"zeromall/apps/user/rpc/internal/config"

	"github.com/zeromicro/go-zero/core/limit"
	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

type ServiceContext struct {
	Config       config.Config
	Users        model.UsersModel
	AccountLimit *limit.PeriodLimit
	IPLimit      *limit.PeriodLimit
}

func NewServiceContext(c config.Config) *ServiceContext {
	conn := sqlx.NewMysql(c.DB.DataSource)
	rds := redis.MustNewRedis(c.BizRedis)
	period := int(c.LoginLimit.Period.Seconds())
	return &ServiceContext{
		Config: c,
		Users: model.NewUsersModel(conn, c.Cache,
			cache.WithExpiry(c.CacheExpiry), cache.WithNotFoundExpiry(c.CacheNotFoundExpiry)),
		AccountLimit: limit.NewPeriodLimit(period, c.LoginLimit.AccountQuota, rds, "user:login:account:"),
		IPLimit:      limit.NewPeriodLimit(period, c.LoginLimit.IPQuota, rds, "user:login:ip:"),
	}
}
