// Package gateway is everything an HTTP gateway shares, as pkg/rpcx is for an rpc server:
//
//   - gateway.go builds one (MustNew): a rest server with zeromall's response conventions, its
//     rpc clients under the gateway's mutual-TLS identity, and the overload gate;
//   - config.go is the configuration every gateway shares, and its checks;
//   - auth.go is the access-token and session check (the Auth middleware);
//   - cors.go answers browsers' preflights; body.go is the request body policy; clientip.go
//     finds the caller's address; accesslog.go logs failures and slow requests;
//   - contract.go declares what a gateway answers on its own, for the OpenAPI files.
package gateway

import (
	"fmt"

	"zeromall/pkg/confx"
	"zeromall/pkg/httpresult"
	"zeromall/pkg/overload"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/rpcx"

	"github.com/zeromicro/go-zero/rest"
	"github.com/zeromicro/go-zero/zrpc"
)

// Gateway is a rest server built from a gateway.Config; goctl's RegisterHandlers takes its
// Server.
type Gateway struct {
	*rest.Server
	conf Config
	id   *rpcauth.Identity
	cors *CORSPolicy
}

// MustNew builds the server with the error handler, JSON 401/404/405 answers, the trace id
// header, the access log, the client IP in the context (X-Forwarded-For believed only from
// TrustedProxies) and the request body policy (pkg/gateway). It panics on a configuration
// that cannot run; confx.Load has already reported what the environment refuses.
func MustNew(c Config) *Gateway {
	ips, err := NewClientIPResolver(c.TrustedProxies)
	if err != nil {
		panic(err)
	}
	env, err := confx.CurrentEnv()
	if err != nil {
		panic(err)
	}
	origins, err := NewCORS(c.CorsOrigins, env)
	if err != nil {
		panic(err)
	}
	httpresult.Setup()
	rc := c.RestConf
	rc.Telemetry = confx.Tracing(rc.Telemetry)
	server := rest.MustNewServer(rc, httpresult.ServerOptions()...)
	server.Use(httpresult.TraceID)
	server.Use(AccessLog)
	server.Use(ips.Middleware)
	server.Use(JSONBody(rc.MaxBytes))
	return &Gateway{Server: server, conf: c, id: rpcauth.MustLoad(c.RpcIdentity), cors: origins}
}

// Client dials an rpc service as this gateway: mutual TLS towards service (the name its
// certificate carries), health-checked balancing and the hop's own breaker (pkg/rpcx), and
// the gateway's client interceptor, which follows the service's rules (its access package):
// repeatable calls are sent again after a lost server, secret ones never logged with content.
func (g *Gateway) Client(service string, c zrpc.RpcClientConf, rules rpcx.Rules) zrpc.Client {
	for m, r := range rules {
		if r.Secret {
			zrpc.DontLogClientContentForMethod(m)
		}
	}
	return rpcx.MustNewClient(c, g.id.Client(service), zrpc.WithUnaryClientInterceptor(rpcx.GatewayInterceptor(rules)))
}

// Start serves until the process is told to stop. go-zero's bare error answers get {code,msg},
// pkg/overload's gate guards every route (admission lanes unless go-zero's mode is dev or test;
// the per-route breakers always), and pkg/gateway stands in front of it: preflights never reach the
// gate, and a page on an allowed origin can read the gate's 503 and its Retry-After.
func (g *Gateway) Start() {
	c := g.conf
	gate := overload.NewGate(g.Routes(), c.Overload, c.Overload.Enabled(c.Mode))
	fmt.Printf("Starting server at %s:%d...\n", c.Host, c.Port)
	fmt.Printf("Browsers may call it from: %s (CORS_ORIGINS)\n", g.cors)
	g.StartWithOpts(httpresult.JSONForBareErrors, gate.Wrap, g.cors.Wrap)
}
