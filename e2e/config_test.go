package e2e

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"zeromall/pkg/testkit"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// A service must refuse to start with a toy signing secret rather than run insecurely.
func TestServicesRefuseShortJWTSecret(t *testing.T) {
	for _, pkg := range []string{"./apps/user/rpc", "./apps/user/api"} {
		kind := pkg[strings.LastIndex(pkg, "/")+1:]
		bin := testkit.Build(t, pkg)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.CommandContext(ctx, bin, "-f", "apps/user/"+kind+"/etc/user-"+kind+".yaml")
		cmd.Dir = testkit.RepoRoot(t)
		cmd.Env = append(os.Environ(), "JWT_SECRET=too-short")
		out, err := cmd.CombinedOutput()
		timedOut := ctx.Err() != nil
		cancel()
		if err == nil || timedOut {
			t.Fatalf("%s started with a short secret (err=%v):\n%s", pkg, err, out)
		}
		if !strings.Contains(string(out), "AccessSecret") || !strings.Contains(string(out), "at least 32 bytes") {
			t.Errorf("%s did not say why it refused:\n%s", pkg, out)
		}
	}
}

// user-rpc registers itself under its etcd key with the address it listens on.
func etcdEndpoints(t *testing.T, etcd *testkit.Etcd, key string) []string {
	t.Helper()
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{etcd.Endpoint}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := cli.Get(ctx, key, clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for _, kv := range resp.Kvs {
		addrs = append(addrs, string(kv.Value))
	}
	return addrs
}
