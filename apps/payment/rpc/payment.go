package main

import (
	"flag"

	"zeromall/apps/payment/model/migrations"
	"zeromall/apps/payment/rpc/access"
	"zeromall/apps/payment/rpc/internal/config"
	"zeromall/apps/payment/rpc/internal/payments"
	"zeromall/apps/payment/rpc/internal/server"
	"zeromall/apps/payment/rpc/internal/svc"
	"zeromall/apps/payment/rpc/internal/workers"
	"zeromall/apps/payment/rpc/payment"
	"zeromall/pkg/confx"
	"zeromall/pkg/rpcx"
	"zeromall/pkg/selfprobe"
	"zeromall/pkg/store"

	"google.golang.org/grpc"
)

var configFile = flag.String("f", "etc/payment-rpc.yaml", "the config file")

func main() {
	flag.Parse()
	selfprobe.RunIfAsked()

	var c config.Config
	confx.MustLoad(*configFile, &c)
	db := c.MustOpen(c.Log, "payment", migrations.Files)
	ctx := svc.NewServiceContext(c, db)

	rpcx.Serve(rpcx.Service{
		Conf: c.RpcServerConf, Overload: c.Overload, Identity: c.RpcIdentity,
		Policy: access.Policy, Rules: access.Rules, Ready: store.Reachable(db),
		Register: func(s *grpc.Server) { payment.RegisterPaymentServer(s, server.NewPaymentServer(ctx)) },
	},
		ctx.Journal.StartDrainer(),
		workers.StartOutboxRelay(ctx.Payments, payments.Delivery{
			Owner: workers.RelayOwner(), Lease: c.Relay.Lease, Batch: c.Relay.Batch,
			MinBackoff: c.Relay.MinBackoff, MaxBackoff: c.Relay.MaxBackoff,
		}, c.Relay.Interval),
		workers.StartOutboxStats(ctx.Payments, c.Relay.StatsInterval),
		workers.StartPaymentExpiry(ctx.Payments, c.PaymentExpiry.Interval, c.PaymentExpiry.Batch),
		store.StartRetention("outbox", c.Retention.Outbox, ctx.Payments.PurgeDeliveredBefore),
	)
}
