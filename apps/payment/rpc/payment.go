package main

import (
	"flag"
	"fmt"

	"zeromall/apps/payment/rpc/internal/access"
	"zeromall/apps/payment/rpc/internal/config"
	"zeromall/apps/payment/rpc/internal/logic"
	"zeromall/apps/payment/rpc/internal/server"
	"zeromall/apps/payment/rpc/internal/svc"
	"zeromall/apps/payment/rpc/payment"
	"zeromall/pkg/confx"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/rpcserver"

	"github.com/zeromicro/go-zero/core/proc"
	"github.com/zeromicro/go-zero/core/service"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"
)

var configFile = flag.String("f", "etc/payment-rpc.yaml", "the config file")

func main() {
	flag.Parse()

	var c config.Config
	confx.MustLoad(*configFile, &c)
	if c.DB.Migrate {
		rpcserver.MustMigrate(c.Log, c.DB.DataSource, "payment")
	}
	sqlx.DisableStmtLog() // keep slow-query logs, drop one line per statement
	ctx := svc.NewServiceContext(c)

	s := rpcserver.MustNewServer(c.RpcServerConf, rpcauth.MustLoad(c.RpcIdentity), access.Policy, func(grpcServer *grpc.Server) {
		payment.RegisterPaymentServer(grpcServer, server.NewPaymentServer(ctx))

		if c.Mode == service.DevMode || c.Mode == service.TestMode {
			reflection.Register(grpcServer)
		}
	})
	defer s.Stop()

	relay := logic.StartOutboxRelay(ctx)
	proc.AddShutdownListener(relay.Stop)

	fmt.Printf("Starting rpc server at %s...\n", c.ListenOn)
	s.Start()
}
