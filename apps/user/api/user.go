package main

import (
	"flag"
	"fmt"

	"zeromall/apps/user/api/internal/config"
	"zeromall/apps/user/api/internal/handler"
	"zeromall/apps/user/api/internal/svc"
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/confx"
	"zeromall/pkg/httpresult"

	"github.com/zeromicro/go-zero/zrpc"
)

var configFile = flag.String("f", "etc/user-api.yaml", "the config file")

func main() {
	flag.Parse()

	var c config.Config
	confx.MustLoad(*configFile, &c)

	server := httpresult.MustNewServer(c.RestConf, c.TrustedProxies)
	defer server.Stop()

	// Never log the passwords these calls carry, not even in slow-call logs.
	zrpc.DontLogClientContentForMethod(user.User_Register_FullMethodName)
	zrpc.DontLogClientContentForMethod(user.User_Login_FullMethodName)
	ctx := svc.NewServiceContext(c)
	handler.RegisterHandlers(server, ctx)

	fmt.Printf("Starting server at %s:%d...\n", c.Host, c.Port)
	server.StartWithOpts(httpresult.JSONForBareErrors)
}
