// Package rpcserver builds every zRPC server the same way: mutual TLS, caller policy, error mapping.
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
func MustNewServer(c zrpc.RpcServerConf, o overload.Config, id *rpcauth.Identity, policy rpcauth.Policy, register func(*grpc.Server)) *zrpc.RpcServer {
	c.Telemetry = telemetry.Recorded(c.Telemetry)
	s := zrpc.MustNewServer(c, register)
	s.AddOptions(grpc.Creds(id.ServerCredentials()),
		grpc.ChainUnaryInterceptor(policy.Unary, overload.UnaryServerInterceptor(o, o.Enabled(c.Mode))),
		grpc.ChainStreamInterceptor(policy.Stream))
	s.AddUnaryInterceptors(interceptor.ServerSlow, interceptor.ServerErrors)
	return s
}
