package httpresult

import (
	"zeromall/pkg/clientip"
	"zeromall/pkg/jwtx"

	"github.com/zeromicro/go-zero/rest"
)

// MustNewServer is rest.MustNewServer with zeromall's response conventions installed: the error
// handler, JSON 401/404/405 answers, the trace id header, the access log, HS256-only tokens, the
// client IP in the context and the JSON body checks. Every gateway main uses it.
func MustNewServer(c rest.RestConf) *rest.Server {
	Setup()
	server := rest.MustNewServer(c, ServerOptions()...)
	server.Use(TraceID)
	server.Use(AccessLog)
	server.Use(jwtx.OnlyHS256(Unauthorized))
	server.Use(clientip.Middleware)
	server.Use(JSONBody(c.MaxBytes))
	return server
}
