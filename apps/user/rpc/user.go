package main

import (
	"flag"
	"fmt"

	"zeromall/apps/user/rpc/access"
	"zeromall/apps/user/rpc/internal/config"
	"zeromall/apps/user/rpc/internal/server"
	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"
	migrations "zeromall/deploy/sql"
	"zeromall/pkg/confx"

	"zeromall/pkg/rpcauth"
	"zeromall/pkg/rpcx"
	"zeromall/pkg/selfprobe"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/proc"
	"github.com/zeromicro/go-zero/core/service"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"
)

var configFile = flag.String("f", "etc/user-rpc.yaml", "the config file")

func main() {
	flag.Parse()
	selfprobe.RunIfAsked()

	var c config.Config
	confx.MustLoad(*configFile, &c)
	db := c.MustOpen(c.Log, "user", migrations.For("user"))
	sqlx.DisableLog() // statements and slow-call logs would print password hashes
	ctx := svc.NewServiceContext(c, db)

	s := rpcx.MustNewServer(c.RpcServerConf, c.Overload, rpcauth.MustLoad(c.RpcIdentity), access.Policy, access.Rules, store.Reachable(db), func(grpcServer *grpc.Server) {
		user.RegisterUserServer(grpcServer, server.NewUserServer(ctx))

		if c.Mode == service.DevMode || c.Mode == service.TestMode {
			reflection.Register(grpcServer)
		}
	})
	defer s.Stop()

	// Before serving: drains what a crashed predecessor left.
	drainer := ctx.Journal.StartDrainer()
	proc.AddShutdownListener(drainer.Stop)
	purge := store.StartRetention("sessions", c.Retention.Sessions, ctx.Sessions.PurgeExpiredBefore)
	proc.AddShutdownListener(purge.Stop)

	fmt.Printf("Starting rpc server at %s...\n", c.ListenOn)
	s.Start()
}
