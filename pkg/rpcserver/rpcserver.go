// Package rpcserver builds every zRPC server the same way: mutual TLS, caller policy, error
// mapping, and a gRPC health service that follows the server's readiness.
package rpcserver

import (
	"zeromall/pkg/interceptor"
	"zeromall/pkg/overload"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/telemetry"

	"github.com/zeromicro/go-zero/zrpc"
	"google.golang.org/grpc"
)

// MustNewServer is zrpc.MustNewServer serving mutual TLS as id, with policy deciding who may
// call what, admission lanes per method (pkg/overload, tuned by o) and zeromall's interceptors.
//
// The policy and the lanes run before go-zero's own interceptors (options come first in gRPC's
// chain): a refused or shed call costs a map lookup and a counter, is never counted by the
// breaker and never reaches the stat log with its content. go-zero's CPU shedder is replaced by
// the lanes: set CpuThreshold to 0.
//
// ready (nil for none) is watched while the server runs: while it fails, the server's gRPC health
// says NOT_SERVING and callers built by pkg/rpcclient send their calls to other instances. Every
// process the policy names may ask the server's health.
func MustNewServer(c zrpc.RpcServerConf, o overload.Config, id *rpcauth.Identity, policy rpcauth.Policy, ready Readiness, register func(*grpc.Server)) *zrpc.RpcServer {
	c.Telemetry = telemetry.Recorded(c.Telemetry)
	c.Health = false // go-zero's health service always says SERVING; serveHealth's follows ready
	s := zrpc.MustNewServer(c, func(s *grpc.Server) {
		register(s)
		serveHealth(s, ready)
	})
	policy = policy.WithHealth()
	s.AddOptions(grpc.Creds(id.ServerCredentials()),
		grpc.ChainUnaryInterceptor(policy.Unary, overload.UnaryServerInterceptor(o, o.Enabled(c.Mode))),
		grpc.ChainStreamInterceptor(policy.Stream))
	s.AddUnaryInterceptors(interceptor.ServerSlow, interceptor.ServerErrors)
	return s
}
