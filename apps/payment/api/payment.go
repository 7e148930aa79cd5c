package main

import (
	"flag"

	"zeromall/apps/payment/api/internal/config"
	"zeromall/apps/payment/api/internal/handler"
	"zeromall/apps/payment/api/internal/svc"
	"zeromall/pkg/confx"
	"zeromall/pkg/gateway"
	"zeromall/pkg/selfprobe"
)

var configFile = flag.String("f", "etc/payment-api.yaml", "the config file")

func main() {
	flag.Parse()
	selfprobe.RunIfAsked()

	var c config.Config
	confx.MustLoad(*configFile, &c)

	gw := gateway.MustNew(c.Config)
	defer gw.Stop()

	ctx := svc.NewServiceContext(c, gw)
	handler.RegisterHandlers(gw.Server, ctx)

	gw.Start()
}
