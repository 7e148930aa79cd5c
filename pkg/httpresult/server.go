package httpresult

import (
	"zeromall/pkg/clientip"
	"zeromall/pkg/overload"
	"zeromall/pkg/telemetry"

	"github.com/zeromicro/go-zero/rest"
)

// MustNewServer is rest.MustNewServer with zeromall's response conventions installed: the error
// handler, JSON 401/404/405 answers, the trace id header, the access log, the client IP in the
// context (X-Forwarded-For believed only from trustedProxies, CIDRs) and the bounded, checked
// request body. Every gateway main uses it.
func MustNewServer(c rest.RestConf, trustedProxies []string) *rest.Server {
	ips, err := clientip.New(trustedProxies)
	if err != nil {
		panic(err)
	}
	Setup()
	c.Telemetry = telemetry.Recorded(c.Telemetry)
	server := rest.MustNewServer(c, ServerOptions()...)
	server.Use(TraceID)
	server.Use(AccessLog)
	server.Use(ips.Middleware)
	server.Use(JSONBody(c.MaxBytes))
	return server
}

// Start serves a gateway built by MustNewServer: go-zero's bare error answers get {code,msg},
// and pkg/overload's gate guards every route at the outermost edge (admission lanes unless
// go-zero's mode is dev or test; the per-route breakers always).
func Start(server *rest.Server, c rest.RestConf, o overload.Config) {
	gate := overload.NewGate(server.Routes(), o, o.Enabled(c.Mode))
	server.StartWithOpts(JSONForBareErrors, gate.Wrap)
}
