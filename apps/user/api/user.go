package main

import (
	"flag"
	"fmt"

	"zeromall/apps/user/api/internal/config"
	"zeromall/apps/user/api/internal/handler"
	"zeromall/apps/user/api/internal/svc"
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/clientip"
	"zeromall/pkg/confx"
	"zeromall/pkg/httpresult"
	"zeromall/pkg/jwtx"

	"github.com/zeromicro/go-zero/rest"
	"github.com/zeromicro/go-zero/zrpc"
)

var configFile = flag.String("f", "etc/user-api.yaml", "the config file")

func main() {
	flag.Parse()

	var c config.Config
	confx.MustLoad(*configFile, &c)

	httpresult.Setup()
	server := rest.MustNewServer(c.RestConf, httpresult.ServerOptions()...)
	defer server.Stop()
	server.Use(httpresult.TraceID)
	server.Use(httpresult.AccessLog)
	server.Use(jwtx.OnlyHS256(httpresult.Unauthorized))
	server.Use(clientip.Middleware)
	server.Use(httpresult.JSONBody(c.MaxBytes))

	// Never log the passwords these calls carry, not even in slow-call logs.
	zrpc.DontLogClientContentForMethod(user.User_Register_FullMethodName)
	zrpc.DontLogClientContentForMethod(user.User_Login_FullMethodName)
	ctx := svc.NewServiceContext(c)
	handler.RegisterHandlers(server, ctx)

	fmt.Printf("Starting server at %s:%d...\n", c.Host, c.Port)
	server.Start()
}
