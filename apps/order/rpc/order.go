package main

import (
	"flag"
	"fmt"

	"zeromall/apps/order/rpc/access"
	"zeromall/apps/order/rpc/internal/config"
	"zeromall/apps/order/rpc/internal/server"
	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/internal/workers"
	"zeromall/apps/order/rpc/order"
	migrations "zeromall/deploy/sql"
	"zeromall/pkg/confx"

	"zeromall/pkg/rpcauth"
	"zeromall/pkg/rpcx"
	"zeromall/pkg/selfprobe"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/proc"
	"github.com/zeromicro/go-zero/core/service"
	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"
)

var configFile = flag.String("f", "etc/order-rpc.yaml", "the config file")

func main() {
	flag.Parse()
	selfprobe.RunIfAsked()

	var c config.Config
	confx.MustLoad(*configFile, &c)
	db := c.MustOpen(c.Log, "order", migrations.For("order"))
	ctx := svc.NewServiceContext(c, db)

	s := rpcx.MustNewServer(c.RpcServerConf, c.Overload, rpcauth.MustLoad(c.RpcIdentity), access.Policy, access.Rules, store.Reachable(db), func(grpcServer *grpc.Server) {
		order.RegisterOrderServer(grpcServer, server.NewOrderServer(ctx))

		if c.Mode == service.DevMode || c.Mode == service.TestMode {
			reflection.Register(grpcServer)
		}
	})
	defer s.Stop()

	// Before serving: drains what a crashed predecessor left.
	drainer := ctx.Journal.StartDrainer()
	proc.AddShutdownListener(drainer.Stop)
	canceller := workers.StartAutoCanceller(ctx.Orders, c.AutoCancel.After, c.AutoCancel.Interval, c.AutoCancel.Batch)
	keys := store.StartRetention("idempotency_keys", store.RetentionConfig{
		Keep: c.Idempotency.KeyTTL, Interval: c.Idempotency.PurgeInterval, Batch: c.Idempotency.PurgeBatch,
	}, ctx.Orders.PurgeKeysBefore)
	ledger := store.StartRetention("stock_ledger", c.Retention.Ledger, ctx.Orders.FoldLedgerBefore)
	proc.AddShutdownListener(canceller.Stop)
	proc.AddShutdownListener(keys.Stop)
	proc.AddShutdownListener(ledger.Stop)

	fmt.Printf("Starting rpc server at %s...\n", c.ListenOn)
	s.Start()
}
