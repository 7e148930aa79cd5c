package config

import (
	"fmt"

	"zeromall/pkg/clientip"
	"zeromall/pkg/jwtx"

	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/rest"
	"github.com/zeromicro/go-zero/zrpc"
)

type Config struct {
	rest.RestConf
	// TrustedProxies are the CIDRs of the proxies in front of the gateway whose X-Forwarded-For
	// is believed; empty (the default), the TCP peer is the client.
	TrustedProxies []string `json:",optional"`
	// Auth verifies access tokens minted by user-rpc (same secret); user-rpc checks their sessions.
	Auth struct {
		AccessSecret string
	}
	// SessionRedis holds the session states user-rpc publishes (pkg/sessioncache).
	SessionRedis redis.RedisConf
	UserRpc      zrpc.RpcClientConf
}

// Validate rejects configurations that would run insecurely or dial the wrong service.
func (c Config) Validate() error {
	if err := jwtx.CheckSecret(c.Auth.AccessSecret); err != nil {
		return fmt.Errorf("Auth.AccessSecret: %w", err)
	}
	if _, err := clientip.New(c.TrustedProxies); err != nil {
		return fmt.Errorf("TrustedProxies: %w", err)
	}
	if len(c.UserRpc.Endpoints) == 0 && c.UserRpc.Etcd.Key == "" {
		return fmt.Errorf("UserRpc.Etcd.Key is empty")
	}
	return nil
}
