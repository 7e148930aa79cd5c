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

// startRefused runs one service binary with env added to a clean environment (no variable of
// this machine leaks in) and returns what it printed; it fails the test if the process started.
func startRefused(t *testing.T, pkg string, env ...string) string {
	t.Helper()
	parts := strings.Split(pkg, "/") // ./apps/<svc>/<kind>
	svc, kind := parts[2], parts[3]
	bin := testkit.Build(t, pkg)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-f", "apps/"+svc+"/"+kind+"/etc/"+svc+"-"+kind+".yaml")
	cmd.Dir = testkit.RepoRoot(t)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	out, err := cmd.CombinedOutput()
	if err == nil || ctx.Err() != nil {
		t.Fatalf("%s started (err=%v):\n%s", pkg, err, out)
	}
	return string(out)
}

var allProcesses = []string{"./apps/user/rpc", "./apps/user/api", "./apps/order/rpc", "./apps/order/api", "./apps/payment/rpc", "./apps/payment/api"}

// Started with nothing set (the image, a copied config), every process is in production and
// refuses the public development defaults, naming the variables to set, before it touches MySQL,
// Redis or etcd.
func TestServicesRefuseToStartInProductionOnDevelopmentDefaults(t *testing.T) {
	for _, pkg := range allProcesses {
		out := startRefused(t, pkg)
		want := []string{"RPC_TLS_CA_FILE"}
		if strings.HasSuffix(pkg, "api") || pkg == "./apps/user/rpc" {
			want = append(want, "JWT_SECRET", "public development default")
		}
		if strings.HasSuffix(pkg, "rpc") {
			want = append(want, "_DB_DSN")
		}
		if pkg == "./apps/payment/api" {
			want = append(want, "PAYMENT_CALLBACK_SECRET")
		}
		if pkg == "./apps/order/rpc" || pkg == "./apps/payment/rpc" {
			want = append(want, "NATS_USER") // the broker's login
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s did not name %q:\n%s", pkg, w, out)
			}
		}
	}
	// Production with pprof turned on is refused too, even with real secrets.
	if out := startRefused(t, "./apps/payment/api", "ZEROMALL_PPROF=true"); !strings.Contains(out, "ZEROMALL_PPROF") {
		t.Errorf("payment-api in production did not refuse ZEROMALL_PPROF:\n%s", out)
	}
}

// In development too, a toy signing secret stops the process rather than run insecurely.
func TestServicesRefuseShortJWTSecret(t *testing.T) {
	for _, pkg := range []string{"./apps/user/rpc", "./apps/user/api"} {
		out := startRefused(t, pkg, "ZEROMALL_ENV=development", "JWT_SECRET=too-short")
		if !strings.Contains(out, "JWT_SECRET") || !strings.Contains(out, "at least 32") {
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
