// Package rpcserver holds what every zRPC main does before and while serving.
package rpcserver

import (
	"context"
	"fmt"
	"os"

	migrations "zeromall/deploy/sql"
	"zeromall/pkg/interceptor"
	"zeromall/pkg/migrate"
	"zeromall/pkg/rpcauth"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/zrpc"
	"google.golang.org/grpc"
)

// MustMigrate sets up logging and applies the service's migrations (deploy/sql/<service>) to
// dsn; it exits with the reason when they fail, before the server registers in etcd.
func MustMigrate(log logx.LogConf, dsn, service string) {
	logx.MustSetup(log)
	applied, err := migrate.Apply(context.Background(), dsn, migrations.For(service))
	if err != nil {
		fmt.Fprintf(os.Stderr, "migrate %s: %v\n", service, err)
		os.Exit(1)
	}
	logx.Infof("%s migrations applied: %v", service, applied)
}

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
