package main

import (
	"flag"

	"zeromall/apps/order/model/migrations"
	"zeromall/apps/order/rpc/access"
	"zeromall/apps/order/rpc/internal/config"
	"zeromall/apps/order/rpc/internal/orders"
	"zeromall/apps/order/rpc/internal/server"
	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/internal/workers"
	"zeromall/apps/order/rpc/order"
	"zeromall/pkg/confx"
	"zeromall/pkg/events"
	"zeromall/pkg/rpcx"
	"zeromall/pkg/selfprobe"
	"zeromall/pkg/store"

	"google.golang.org/grpc"
)

var configFile = flag.String("f", "etc/order-rpc.yaml", "the config file")

func main() {
	flag.Parse()
	selfprobe.RunIfAsked()

	var c config.Config
	confx.MustLoad(*configFile, &c)
	db := c.MustOpen(c.Log, "order", migrations.Files)
	ctx := svc.NewServiceContext(c, db)

	payments := ctx.Events.Consume(orders.PaymentsConsumer, events.Payments, events.Payments.Subjects, ctx.Orders.HandlePaymentEvent)
	sales := ctx.Events.Consume(orders.SalesConsumer, events.Orders, events.Orders.Subjects, ctx.Orders.HandleSalesEvent)
	loops := append(ctx.Events.Loops(payments, sales),
		ctx.Journal.StartDrainer(),
		workers.StartAutoCanceller(ctx.Orders, c.AutoCancel.After, c.AutoCancel.Interval, c.AutoCancel.Batch),
		store.StartRetention("idempotency_keys", store.RetentionConfig{
			Keep: c.Idempotency.KeyTTL, Interval: c.Idempotency.PurgeInterval, Batch: c.Idempotency.PurgeBatch,
		}, ctx.Orders.PurgeKeysBefore),
		store.StartRetention("stock_ledger", c.Retention.Ledger, ctx.Orders.FoldLedgerBefore),
	)
	rpcx.Serve(rpcx.Service{
		Conf: c.RpcServerConf, Overload: c.Overload, Identity: c.RpcIdentity,
		Policy: access.Policy, Rules: access.Rules, Ready: store.Reachable(db),
		Register: func(s *grpc.Server) { order.RegisterOrderServer(s, server.NewOrderServer(ctx)) },
	}, loops...)
}
