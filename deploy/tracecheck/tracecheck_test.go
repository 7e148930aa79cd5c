// Package tracecheck proves tracing against a real Jaeger: it starts make run's stack with
// TRACING=1 (Jaeger built from deploy/tools/jaeger), walks one purchase with
// deploy/scripts/purchase.sh, reads its trace back through Jaeger's query API by the id the script
// printed, and checks how the spans connect, that a refused request's failing span has an error
// status, and that no attribute holds a secret. make test runs it on its own (make test-tracing):
// it needs the stack's fixed ports.
package tracecheck

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"zeromall/pkg/testkit"
)

const jaeger = "http://127.0.0.1:16686"

// ports are what make run with TRACING=1 listens on: the gateways, the rpcs, their dev servers and
// Jaeger's OTLP, query and health ports.
var ports = []int{8888, 8889, 8890, 9001, 9002, 9003, 6470, 6471, 6472, 6473, 6474, 6475, 4317, 4318, 16686, 13133}

func TestTracing_OnePurchaseIsOneConnectedTraceInJaeger(t *testing.T) {
	testkit.RequirePortsFree(t, ports...)
	root := testkit.RepoRoot(t)
	t.Log("tracecheck: starting make run's stack with TRACING=1 (deploy/scripts/run.sh --detach)")
	testkit.StartRunStack(t, root, []string{"jaeger"}, "TRACING=1", "TRACE_SAMPLER=1")

	out := purchase(t, root)
	id := regexp.MustCompile(`trace id of this purchase: ([0-9a-f]{32})`).FindStringSubmatch(out)
	if id == nil {
		t.Fatalf("purchase.sh printed no trace id:\n%s", testkit.Tail(out, 10))
	}
	ctx := context.Background()
	tr, err := testkit.WaitTrace(ctx, jaeger, id[1], testkit.Processes, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tracecheck: purchase trace %s: %d spans from %d processes", tr.ID, len(tr.Spans), len(testkit.Processes)+1)
	t.Logf("tracecheck: the purchase, without its SQL and Redis spans:\n%s", tr.Table(func(s *testkit.Span) bool {
		return s.Name != "sql" && s.Name != "redis"
	}))

	t.Run("connected", func(t *testing.T) {
		for _, p := range tr.PurchaseProblems() {
			t.Error(p)
		}
		if r := tr.Roots(); len(r) == 1 && r[0].Process != "purchase.sh" {
			t.Errorf("the root is %s, want purchase.sh's own span", r[0].Describe())
		}
		// payment.succeeded → order-rpc pays the order and publishes order.paid → the sales
		// consumer: the events the purchase caused are in its trace.
		for _, name := range []string{"publish payment.succeeded", "publish order.paid", "process order.paid"} {
			process := "order-rpc"
			if name == "publish payment.succeeded" {
				process = "payment-rpc"
			}
			if len(tr.Find(process, name)) == 0 {
				t.Errorf("no %q span of %s", name, process)
			}
		}
	})
	t.Run("no secrets", func(t *testing.T) {
		secrets := []string{"correct horse", field(out, "accessToken"), field(out, "refreshToken")}
		if secrets[1] == "" || secrets[2] == "" {
			t.Fatalf("purchase.sh printed no tokens to look for:\n%s", testkit.Tail(out, 40))
		}
		for _, l := range tr.Leaks(secrets...) {
			t.Error(l)
		}
	})
	t.Run("a refused request", func(t *testing.T) {
		refusedOrder(t, ctx, root, out)
	})
}

// refusedOrder orders a product that does not exist: the rpc span that refused it has an error
// status, and order-api's log line of the refusal names the trace.
func refusedOrder(t *testing.T, ctx context.Context, root, purchaseOut string) {
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:8889/order/v1/orders",
		strings.NewReader(`{"items":[{"productId":999999999,"quantity":1}]}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+field(purchaseOut, "accessToken"))
	req.Header.Set("Idempotency-Key", fmt.Sprintf("tracecheck-%d", time.Now().UnixNano()))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	id := resp.Header.Get("X-Trace-Id")
	if resp.StatusCode != http.StatusBadRequest || id == "" {
		t.Fatalf("an order of an unknown product: %d, trace %q: %s; want 400 with a trace id", resp.StatusCode, id, body)
	}
	tr, err := testkit.WaitTrace(ctx, jaeger, id, []string{"order-api", "order-rpc"}, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	failed := tr.Find("order-rpc", "order.Order/CreateOrder")
	if len(failed) != 1 || !failed[0].Error || failed[0].Kind != "server" {
		t.Fatalf("order-rpc's CreateOrder span: %+v; want one server span with an error status", failed)
	}
	t.Logf("tracecheck: refused order, trace %s: %s status error %q (grpc code %s)", id, failed[0].Describe(),
		failed[0].Tags["otel.status_description"], failed[0].Tags["rpc.grpc.status_code"])
	if caller := tr.Span(failed[0].Parent); caller == nil || caller.Process != "order-api" || !caller.Error {
		t.Errorf("the caller of the failed rpc: %s; want order-api's client span, with an error status", caller.Describe())
	}
	testkit.Eventually(t, 5*time.Second, "order-api's log names the refused request's trace", func() bool {
		b, err := os.ReadFile(filepath.Join(root, ".run", "logs", "order-api.log"))
		return err == nil && strings.Contains(string(b), "trace="+id)
	})
}

func purchase(t *testing.T, root string) string {
	t.Helper()
	cmd := exec.Command("deploy/scripts/purchase.sh")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), fmt.Sprintf("EMAIL=tracecheck-%d@example.com", time.Now().UnixNano()))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("purchase.sh: %v\n%s", err, testkit.Tail(string(out), 20))
	}
	return string(out)
}

// field is the first JSON string value named name in out.
func field(out, name string) string {
	m := regexp.MustCompile(`"` + name + `":"([^"]+)"`).FindStringSubmatch(out)
	if m == nil {
		return ""
	}
	return m[1]
}
