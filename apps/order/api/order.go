package main

import (
	"flag"
	"fmt"

	"zeromall/apps/order/api/internal/config"
	"zeromall/apps/order/api/internal/handler"
	"zeromall/apps/order/api/internal/svc"
	"zeromall/pkg/confx"
	"zeromall/pkg/httpresult"
)

var configFile = flag.String("f", "etc/order-api.yaml", "the config file")

func main() {
	flag.Parse()

	var c config.Config
	confx.MustLoad(*configFile, &c)

	server := httpresult.MustNewServer(c.RestConf, c.TrustedProxies)
	defer server.Stop()

	ctx := svc.NewServiceContext(c)
	handler.RegisterHandlers(server, ctx)

	fmt.Printf("Starting server at %s:%d...\n", c.Host, c.Port)
	httpresult.Start(server, c.RestConf, c.Overload)
}
