// Package gateway builds every HTTP gateway the same way, as pkg/rpcserver builds every rpc
// server: a rest server with zeromall's response conventions and request body policy, its rpc
// clients under the gateway's mutual-TLS identity, the access-token and session check, and the
// overload gate in front of every route.
package gateway

import (
	"fmt"

	"zeromall/pkg/authn"
	"zeromall/pkg/clientip"
	"zeromall/pkg/cors"
	"zeromall/pkg/deployenv"
	"zeromall/pkg/gatewayconf"
	"zeromall/pkg/httpresult"
	"zeromall/pkg/interceptor"
	"zeromall/pkg/overload"
	"zeromall/pkg/requestbody"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/rpcclient"
	"zeromall/pkg/sessioncache"
	"zeromall/pkg/telemetry"

	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/rest"
	"github.com/zeromicro/go-zero/zrpc"
)

// Gateway is a rest server built from a gatewayconf.Config; goctl's RegisterHandlers takes its
// Server.
type Gateway struct {
	*rest.Server
	conf gatewayconf.Config
	id   *rpcauth.Identity
	cors *cors.Policy
}

// MustNew builds the server with the error handler, JSON 401/404/405 answers, the trace id
// header, the access log, the client IP in the context (X-Forwarded-For believed only from
// TrustedProxies) and the request body policy (pkg/requestbody). It panics on a configuration
// that cannot run; confx.Load has already reported what the environment refuses.
func MustNew(c gatewayconf.Config) *Gateway {
	ips, err := clientip.New(c.TrustedProxies)
	if err != nil {
		panic(err)
	}
	env, err := deployenv.Current()
	if err != nil {
		panic(err)
	}
	origins, err := cors.New(c.CorsOrigins, env)
	if err != nil {
		panic(err)
	}
	httpresult.Setup()
	rc := c.RestConf
	rc.Telemetry = telemetry.Recorded(rc.Telemetry)
	server := rest.MustNewServer(rc, httpresult.ServerOptions()...)
	server.Use(httpresult.TraceID)
	server.Use(AccessLog)
	server.Use(ips.Middleware)
	server.Use(requestbody.JSON(rc.MaxBytes))
	return &Gateway{Server: server, conf: c, id: rpcauth.MustLoad(c.RpcIdentity), cors: origins}
}

// Client dials an rpc service as this gateway: mutual TLS towards service (the name its
// certificate carries), health-checked balancing and the hop's own breaker (pkg/rpcclient), and
// the gateway's client interceptor, which follows the service's rules (its access package):
// repeatable calls are sent again after a lost server, secret ones never logged with content.
func (g *Gateway) Client(service string, c zrpc.RpcClientConf, rules rpcclient.Rules) zrpc.Client {
	for m, r := range rules {
		if r.Secret {
			zrpc.DontLogClientContentForMethod(m)
		}
	}
	return rpcclient.MustNew(c, g.id.Client(service), zrpc.WithUnaryClientInterceptor(interceptor.Gateway(rules)))
}

// Auth is the middleware of the routes the .api files mark "middleware: Auth" (pkg/authn): the
// access token is verified here, and its session looked up in the states user-rpc publishes in
// Redis (pkg/sessioncache); ask (user-rpc's CheckSession) answers when none is published.
func (g *Gateway) Auth(ask authn.SessionChecker) rest.Middleware {
	published := sessioncache.NewReader(redis.MustNewRedis(g.conf.SessionRedis))
	return authn.New(g.conf.Auth.AccessSecret, authn.CachedSessions(published, ask))
}

// Start serves until the process is told to stop. go-zero's bare error answers get {code,msg},
// pkg/overload's gate guards every route (admission lanes unless go-zero's mode is dev or test;
// the per-route breakers always), and pkg/cors stands in front of it: preflights never reach the
// gate, and a page on an allowed origin can read the gate's 503 and its Retry-After.
func (g *Gateway) Start() {
	c := g.conf
	gate := overload.NewGate(g.Routes(), c.Overload, c.Overload.Enabled(c.Mode))
	fmt.Printf("Starting server at %s:%d...\n", c.Host, c.Port)
	fmt.Printf("Browsers may call it from: %s (CORS_ORIGINS)\n", g.cors)
	g.StartWithOpts(httpresult.JSONForBareErrors, gate.Wrap, g.cors.Wrap)
}
