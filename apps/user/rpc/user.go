package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"zeromall/apps/user/rpc/internal/config"
	"zeromall/apps/user/rpc/internal/server"
	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"
	migrations "zeromall/deploy/sql"
	"zeromall/pkg/confx"
	"zeromall/pkg/interceptor"
	"zeromall/pkg/migrate"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/service"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
	"github.com/zeromicro/go-zero/zrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"
)

var configFile = flag.String("f", "etc/user-rpc.yaml", "the config file")

func main() {
	flag.Parse()

	var c config.Config
	confx.MustLoad(*configFile, &c)
	logx.MustSetup(c.Log)
	if c.DB.Migrate {
		applied, err := migrate.Apply(context.Background(), c.DB.DataSource, migrations.For("user"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "migrate:", err)
			os.Exit(1)
		}
		logx.Infof("migrations applied: %v", applied)
	}
	sqlx.DisableLog() // statements and slow-call logs would print password hashes
	ctx := svc.NewServiceContext(c)

	s := zrpc.MustNewServer(c.RpcServerConf, func(grpcServer *grpc.Server) {
		user.RegisterUserServer(grpcServer, server.NewUserServer(ctx))

		if c.Mode == service.DevMode || c.Mode == service.TestMode {
			reflection.Register(grpcServer)
		}
	})
	s.AddUnaryInterceptors(interceptor.ServerErrors)
	defer s.Stop()

	fmt.Printf("Starting rpc server at %s...\n", c.ListenOn)
	s.Start()
}
