// config.go is the configuration every HTTP gateway shares (the rest server, who is
// trusted to forward, how tokens and sessions are checked, the rpc identity), and its checks.

package gateway

import (
	"errors"
	"fmt"

	"zeromall/pkg/confx"
	"zeromall/pkg/overload"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/rpcx"
	"zeromall/pkg/session"

	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/rest"
	"github.com/zeromicro/go-zero/zrpc"
)

// Config is embedded in each gateway's config, so its fields stay at the top level of the YAML.
type Config struct {
	rest.RestConf
	// TrustedProxies are the CIDRs of the proxies in front of the gateway whose X-Forwarded-For
	// is believed; empty (the default), the TCP peer is the client.
	TrustedProxies []string `json:",optional"`
	// CorsOrigins are the origins of the web front ends allowed to call the gateway from a browser,
	// separated by commas (pkg/gateway). Empty: none in production, any port of localhost in development.
	CorsOrigins string `json:",optional"`
	// Auth verifies access tokens minted by user-rpc (same secret); user-rpc checks their sessions.
	Auth struct {
		AccessSecret string
	}
	// SessionRedis holds the session states user-rpc publishes (pkg/session).
	SessionRedis redis.RedisConf
	// RpcIdentity is this process's mutual-TLS identity towards the rpc services (pkg/rpcauth).
	RpcIdentity rpcauth.Config
	// Overload tunes the admission lanes guarding every route (pkg/overload, doc/resilience.md).
	Overload overload.Config
	// UserRpc checks the sessions of access tokens (every gateway has routes marked Auth).
	UserRpc zrpc.RpcClientConf
}

// Check reports everything env refuses in c, and what would not run.
func (c Config) Check(env confx.Env) error {
	var proxies, origins error
	if _, err := NewClientIPResolver(c.TrustedProxies); err != nil {
		proxies = fmt.Errorf("TrustedProxies: %w", err)
	}
	if _, err := NewCORS(c.CorsOrigins, env); err != nil {
		origins = fmt.Errorf("CORS_ORIGINS (CorsOrigins): %w", err)
	}
	return errors.Join(
		env.Service(c.ServiceConf),
		env.Secret("JWT_SECRET (Auth.AccessSecret)", c.Auth.AccessSecret, session.MinSecretLen),
		env.RedisPassword("REDIS_PASSWORD (SessionRedis.Pass)", c.SessionRedis.Pass),
		c.RpcIdentity.Check(env),
		env.TrustedProxies("TRUSTED_PROXIES (TrustedProxies)", c.TrustedProxies),
		proxies,
		origins,
		rpcx.Target("UserRpc", c.UserRpc),
	)
}
