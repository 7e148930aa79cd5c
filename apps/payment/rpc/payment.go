package main

import (
	"flag"
	"fmt"

	"zeromall/apps/payment/rpc/access"
	"zeromall/apps/payment/rpc/internal/config"
	"zeromall/apps/payment/rpc/internal/payments"
	"zeromall/apps/payment/rpc/internal/server"
	"zeromall/apps/payment/rpc/internal/svc"
	"zeromall/apps/payment/rpc/internal/workers"
	"zeromall/apps/payment/rpc/payment"
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

var configFile = flag.String("f", "etc/payment-rpc.yaml", "the config file")

func main() {
	flag.Parse()
	selfprobe.RunIfAsked()

	var c config.Config
	confx.MustLoad(*configFile, &c)
	db := c.MustOpen(c.Log, "payment", migrations.For("payment"))
	ctx := svc.NewServiceContext(c, db)

	s := rpcx.MustNewServer(c.RpcServerConf, c.Overload, rpcauth.MustLoad(c.RpcIdentity), access.Policy, access.Rules, store.Reachable(db), func(grpcServer *grpc.Server) {
		payment.RegisterPaymentServer(grpcServer, server.NewPaymentServer(ctx))

		if c.Mode == service.DevMode || c.Mode == service.TestMode {
			reflection.Register(grpcServer)
		}
	})
	defer s.Stop()

	// Before serving: drains what a crashed predecessor left.
	drainer := ctx.Journal.StartDrainer()
	proc.AddShutdownListener(drainer.Stop)
	relay := workers.StartOutboxRelay(ctx.Payments, payments.Delivery{
		Owner: workers.RelayOwner(), Lease: c.Relay.Lease, Batch: c.Relay.Batch,
		MinBackoff: c.Relay.MinBackoff, MaxBackoff: c.Relay.MaxBackoff,
	}, c.Relay.Interval)
	stats := workers.StartOutboxStats(ctx.Payments, c.Relay.StatsInterval)
	expiry := workers.StartPaymentExpiry(ctx.Payments, c.PaymentExpiry.Interval, c.PaymentExpiry.Batch)
	proc.AddShutdownListener(relay.Stop)
	proc.AddShutdownListener(stats.Stop)
	proc.AddShutdownListener(expiry.Stop)
	purge := store.StartRetention("outbox", c.Retention.Outbox, ctx.Payments.PurgeDeliveredBefore)
	proc.AddShutdownListener(purge.Stop)

	fmt.Printf("Starting rpc server at %s...\n", c.ListenOn)
	s.Start()
}
