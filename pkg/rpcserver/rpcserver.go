// Package rpcserver builds every zRPC server the same way: mutual TLS, caller policy, error mapping.
package rpcserver

import (
	"zeromall/pkg/interceptor"
	"zeromall/pkg/rpcauth"

	"github.com/zeromicro/go-zero/zrpc"
	"google.golang.org/grpc"
)

// MustNewServer is zrpc.MustNewServer serving mutual TLS as id, with policy deciding who may
// call what, and zeromall's interceptors added.
//
// The policy runs before go-zero's own interceptors (options come first in gRPC's chain): a
// refused call costs a map lookup, is never counted by the breaker or the shedder and never
// reaches the stat log with its content.
func MustNewServer(c zrpc.RpcServerConf, id *rpcauth.Identity, policy rpcauth.Policy, register func(*grpc.Server)) *zrpc.RpcServer {
	s := zrpc.MustNewServer(c, register)
	s.AddOptions(grpc.Creds(id.ServerCredentials()),
		grpc.ChainUnaryInterceptor(policy.Unary), grpc.ChainStreamInterceptor(policy.Stream))
	s.AddUnaryInterceptors(interceptor.ServerErrors)
	return s
}
