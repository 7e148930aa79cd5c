package config

import (
	"fmt"
	"time"

	"zeromall/pkg/jwtx"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/zrpc"
)

type Config struct {
	zrpc.RpcServerConf

	DB struct {
		DataSource string
		// Migrate applies deploy/sql/user migrations at start (serialized across instances).
		Migrate bool `json:",default=true"`
	}
	Cache               cache.CacheConf
	CacheExpiry         time.Duration `json:",default=1h"`
	CacheNotFoundExpiry time.Duration `json:",default=1m"`
	// BizRedis backs the login limiter.
	BizRedis redis.RedisConf

	JWT struct {
		AccessSecret string
		AccessExpire time.Duration `json:",default=2h"`
	}
	BcryptCost int `json:",default=10,range=[4:14]"`
	LoginLimit struct {
		Period       time.Duration `json:",default=15m"`
		AccountQuota int           `json:",default=10"` // attempts per account per period
		IPQuota      int           `json:",default=100"`
	}
}

// Validate rejects configurations that would run insecurely or not at all.
func (c Config) Validate() error {
	if err := jwtx.CheckSecret(c.JWT.AccessSecret); err != nil {
		return fmt.Errorf("JWT.AccessSecret: %w", err)
	}
	if c.DB.DataSource == "" {
		return fmt.Errorf("DB.DataSource is empty")
	}
	if c.LoginLimit.Period < time.Second {
		return fmt.Errorf("LoginLimit.Period must be at least 1s")
	}
	return nil
}
