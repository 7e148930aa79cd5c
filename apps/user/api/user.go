package main

import (
	"flag"

	"zeromall/apps/user/api/internal/config"
	"zeromall/apps/user/api/internal/handler"
	"zeromall/apps/user/api/internal/svc"
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/confx"
	"zeromall/pkg/gateway"

	"github.com/zeromicro/go-zero/zrpc"
)

var configFile = flag.String("f", "etc/user-api.yaml", "the config file")

func main() {
	flag.Parse()

	var c config.Config
	confx.MustLoad(*configFile, &c)

	gw := gateway.MustNew(c.Config)
	defer gw.Stop()

	// Never log the passwords, refresh tokens and session ids these calls carry, not even in
	// slow-call or failure logs.
	for _, m := range []string{user.User_Register_FullMethodName, user.User_Login_FullMethodName,
		user.User_RefreshToken_FullMethodName, user.User_Logout_FullMethodName, user.User_CheckSession_FullMethodName} {
		zrpc.DontLogClientContentForMethod(m)
	}
	ctx := svc.NewServiceContext(c, gw)
	handler.RegisterHandlers(gw.Server, ctx)

	gw.Start()
}
