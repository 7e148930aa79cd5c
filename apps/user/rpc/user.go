package main

import (
	"flag"

	"zeromall/apps/user/model/migrations"
	"zeromall/apps/user/rpc/access"
	"zeromall/apps/user/rpc/internal/config"
	"zeromall/apps/user/rpc/internal/server"
	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/confx"
	"zeromall/pkg/rpcx"
	"zeromall/pkg/selfprobe"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
	"google.golang.org/grpc"
)

var configFile = flag.String("f", "etc/user-rpc.yaml", "the config file")

func main() {
	flag.Parse()
	selfprobe.RunIfAsked()

	var c config.Config
	confx.MustLoad(*configFile, &c)
	db := c.MustOpen(c.Log, "user", migrations.Files)
	sqlx.DisableLog() // statements and slow-call logs would print password hashes
	ctx := svc.NewServiceContext(c, db)

	rpcx.Serve(rpcx.Service{
		Conf: c.RpcServerConf, Overload: c.Overload, Identity: c.RpcIdentity,
		Policy: access.Policy, Rules: access.Rules, Ready: store.Reachable(db),
		Register: func(s *grpc.Server) { user.RegisterUserServer(s, server.NewUserServer(ctx)) },
	},
		ctx.Journal.StartDrainer(),
		store.StartRetention("sessions", c.Retention.Sessions, ctx.Sessions.PurgeExpiredBefore),
	)
}
