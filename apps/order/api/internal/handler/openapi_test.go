package handler

import (
	"net/http"
	"testing"

	"zeromall/apps/order/api/internal/config"
	"zeromall/apps/order/api/internal/svc"
	"zeromall/pkg/confx"
	"zeromall/pkg/testkit"

	"github.com/zeromicro/go-zero/rest"
)

// The OpenAPI file in doc/api is generated from the same .api file as these routes; this proves
// the two never drift (and that the file is committed after regeneration).
func TestRoutesMatchOpenAPI(t *testing.T) {
	root := testkit.RepoRoot(t)
	t.Setenv("ZEROMALL_ENV", "development") // the YAML's dev defaults are fine here
	var c config.Config
	if err := confx.Load(root+"/apps/order/api/etc/order-api.yaml", &c); err != nil {
		t.Fatal(err)
	}
	server := rest.MustNewServer(c.RestConf)
	passThrough := func(next http.HandlerFunc) http.HandlerFunc { return next }
	RegisterHandlers(server, &svc.ServiceContext{Config: c, Auth: passThrough, Admin: passThrough})
	testkit.CheckRoutesMatchOpenAPI(t, server.Routes(), root+"/doc/api/order.json")
}
