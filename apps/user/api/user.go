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

	// Never log the passwords, refresh tokens and session ids these calls carry, not even in
	// slow-call or failure logs.
	for _, m := range []string{user.User_Register_FullMethodName, user.User_Login_FullMethodName,
		user.User_RefreshToken_FullMethodName, user.User_Logout_FullMethodName, user.User_CheckSession_FullMethodName} {
		zrpc.DontLogClientContentForMethod(m)
	}
	ctx := svc.NewServiceContext(c)
	handler.RegisterHandlers(server, ctx)

	fmt.Printf("Starting server at %s:%d...\n", c.Host, c.Port)
	httpresult.Start(server, c.RestConf, c.Overload)
}
