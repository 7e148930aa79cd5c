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
	"zeromall/pkg/events"
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

	rejected := ctx.Events.Consume(payments.ConsumerName, events.Orders, events.SubjectOrderPaymentRejected, ctx.Payments.HandleOrderEvent)
	loops := append(ctx.Events.Loops(rejected),
		ctx.Journal.StartDrainer(),
		workers.StartPaymentExpiry(ctx.Payments, c.PaymentExpiry.Interval, c.PaymentExpiry.Batch),
	)
	rpcx.Serve(rpcx.Service{
		Conf: c.RpcServerConf, Overload: c.Overload, Identity: c.RpcIdentity,
		Policy: access.Policy, Rules: access.Rules, Ready: store.Reachable(db),
		Register: func(s *grpc.Server) { payment.RegisterPaymentServer(s, server.NewPaymentServer(ctx)) },
	}, loops...)
}
