// Package composecheck proves deploy/Dockerfile and deploy/docker-compose.yml on a real Docker
// engine (make test-compose): it builds the six images, starts the stack, makes a whole purchase
// through the published gateways, crashes order-rpc and restarts MariaDB under load, takes the
// stack down and up again, checks that Prometheus scrapes every container, and reads a purchase's
// trace back from Jaeger. Every step logs "compose:" lines with its duration; the stack is removed
// with its volumes at the end, also when a step fails.
package composecheck

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"zeromall/deploy/internal/statusword"
	"zeromall/pkg/testkit"
)

const (
	project  = "zeromall-test" // not zeromall: make compose-up's stack and volumes stay untouched
	userAPI  = "http://127.0.0.1:8888"
	orderAPI = "http://127.0.0.1:8889"
	payAPI   = "http://127.0.0.1:8890"
	promAPI  = "http://127.0.0.1:9090"
	jaeger   = "http://127.0.0.1:16686"
	// password: the Compose file's development default for MariaDB's root.
	dbPassword = "zeromall-dev"
)

var processes = []string{"user-rpc", "order-rpc", "payment-rpc", "user-api", "order-api", "payment-api"}

func TestCompose_StackServesSurvivesAndKeepsItsData(t *testing.T) {
	root := testkit.RepoRoot(t)
	for _, p := range []int{8888, 8889, 8890, 8880, 8891, 9090, 16686, 4318} {
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", p), 200*time.Millisecond); err == nil {
			_ = c.Close()
			t.Fatalf("127.0.0.1:%d is taken: the Compose stack publishes it; stop what holds it (make stop, make compose-down)", p)
		}
	}
	// The services export their spans to the observability profile's Jaeger, which runs from the
	// start: an exporter with no receiver would log an error a second.
	t.Setenv("OTLP_ENDPOINT", "jaeger:4317")
	c := newCompose(t, root)
	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"build the six images and the explorer's", func(t *testing.T) { buildImages(t, root) }},
		{"up (with the observability profile's Jaeger), wait until every container is healthy", func(t *testing.T) { c.up(t); c.waitHealthy(t) }},
		{"one whole purchase through the gateways", func(t *testing.T) { c.bought = purchase(t, "buyer") }},
		{"the API explorer shows the three APIs, pointed at the gateways, which allow its origin", explorerServes},
		{"no error lines in any service log", func(t *testing.T) { c.noErrorLines(t) }},
		{"order-rpc crashes (SIGKILL) under purchases: restarted, nothing acknowledged lost", c.crashOrderRPC},
		{"MariaDB restarts under light load: nothing acknowledged lost", c.restartMySQL},
		{"the broker is stopped: a payment is still taken, and its order is paid once the broker is back", c.brokerAway},
		{"down, then up: volumes keep users, orders and payments", c.downUp},
		{"Prometheus (observability profile) scrapes all six containers", c.prometheusScrapes},
		{"Jaeger (observability profile) holds a purchase's trace, connected across the six containers", c.jaegerHasThePurchase},
	}
	for i, s := range steps {
		start := time.Now()
		t.Logf("compose: step %d/%d %s", i+1, len(steps), s.name)
		ok := t.Run(fmt.Sprintf("%d", i+1), s.run)
		t.Logf("compose: step %d/%d %s: %s in %.1fs", i+1, len(steps), s.name, map[bool]string{true: "ok", false: "FAILED"}[ok], time.Since(start).Seconds())
		if !ok {
			t.FailNow()
		}
	}
}

// buildImages runs make images-local's script (or make images' with ZEROMALL_COMPOSE_BASES=public,
// on a machine with a registry).
func buildImages(t *testing.T, root string) {
	args := []string{"--local"}
	if os.Getenv("ZEROMALL_COMPOSE_BASES") == "public" {
		args = nil
	}
	cmd := exec.Command("deploy/scripts/images.sh", args...)
	cmd.Dir = root
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Line by line as they come: a cold build takes minutes.
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		t.Logf("compose: %s", lines.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("images.sh: %v", err)
	}
}

// stack is the test's Compose project and what the steps carry from one to the next.
type stack struct {
	root   string
	cli    []string // docker compose, or docker-compose
	flags  []string // the project, the Compose file and the env file
	bought purchased
	// acked are the orders the gateways acknowledged during the fault steps.
	acked []string
}

func newCompose(t *testing.T, root string) *stack {
	s := &stack{root: root, flags: []string{"-p", project, "-f", "deploy/docker-compose.yml"}}
	if os.Getenv("ZEROMALL_COMPOSE_BASES") != "public" {
		s.flags = append(s.flags, "--env-file", "deploy/docker/local-images.env")
	}
	switch {
	case exec.Command("docker", "compose", "version").Run() == nil:
		s.cli = []string{"docker", "compose"}
	case exec.Command("docker-compose", "version").Run() == nil:
		s.cli = []string{"docker-compose"}
	default:
		t.Fatal("no Compose tool: install the docker compose plugin or docker-compose (deploy/scripts/deps.sh compose)")
	}
	if err := exec.Command("docker", "info").Run(); err != nil {
		t.Fatalf("the Docker engine does not answer: %v (deploy/scripts/deps.sh docker starts it)", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			out, _ := s.output("--profile", "observability", "logs", "--no-color", "--tail", "30")
			t.Logf("compose: last log lines of every container:\n%s", out)
		}
		start := time.Now()
		out, err := s.output("--profile", "observability", "down", "-v", "--remove-orphans")
		t.Logf("compose: down -v in %.1fs", time.Since(start).Seconds())
		if err != nil {
			t.Errorf("down -v: %v\n%s", err, out)
		}
	})
	return s
}

func (s *stack) output(args ...string) (string, error) {
	full := append(append(append([]string{}, s.cli[1:]...), s.flags...), args...)
	cmd := exec.Command(s.cli[0], full...)
	cmd.Dir = s.root
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (s *stack) run(t *testing.T, args ...string) string {
	t.Helper()
	out, err := s.output(args...)
	if err != nil {
		t.Fatalf("compose %s: %v\n%s", strings.Join(args, " "), err, testkit.Tail(out, 30))
	}
	return out
}

// container is the id of a service's container.
func (s *stack) container(t *testing.T, service string) string {
	t.Helper()
	id := strings.TrimSpace(s.run(t, "ps", "-q", service))
	if id == "" {
		t.Fatalf("no container for %s", service)
	}
	return id
}

func inspect(t *testing.T, format, id string) string {
	t.Helper()
	out, err := exec.Command("docker", "inspect", "-f", format, id).CombinedOutput()
	if err != nil {
		t.Fatalf("docker inspect %s: %v\n%s", id, err, out)
	}
	return strings.TrimSpace(string(out))
}

// waitHealthy waits until every container of the project reports healthy, as up --wait does
// (Debian's docker-compose 1.29 has no --wait).
func (s *stack) waitHealthy(t *testing.T) {
	t.Helper()
	ids := strings.Fields(s.run(t, "ps", "-q"))
	if len(ids) < 10 {
		t.Fatalf("%d containers, want 10 (MariaDB, Redis, etcd, NATS and six services)", len(ids))
	}
	said := ""
	testkit.Eventually(t, 3*time.Minute, "every container healthy", func() bool {
		var waiting []string
		for _, id := range ids {
			if h := inspect(t, "{{.Name}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", id); !strings.HasSuffix(h, " healthy") {
				waiting = append(waiting, strings.TrimPrefix(h, "/"))
			}
		}
		if now := strings.Join(waiting, ", "); now != said && now != "" {
			t.Logf("compose: waiting for %s", now)
			said = now
		}
		return len(waiting) == 0
	})
}

// The plain log encoding writes "<time>\t <level> \t<message>"; a panic starts its own line.
var errorLine = regexp.MustCompile(`(?m)^.*\t\s*(error|severe|fatal)\s*\t.*$|^panic: .*$`)

func (s *stack) noErrorLines(t *testing.T) {
	for _, p := range processes {
		out := s.run(t, "logs", "--no-color", p)
		if bad := errorLine.FindAllString(out, 5); len(bad) > 0 {
			t.Errorf("%s logged errors on the happy path:\n%s", p, strings.Join(bad, "\n"))
		}
	}
}

// crashOrderRPC kills order-rpc's process from the host with SIGKILL, as a crash or the OOM killer
// would. (docker kill is not that: the engine takes it for an operator's stop and does not apply
// the restart policy.)
func (s *stack) crashOrderRPC(t *testing.T) {
	id := s.container(t, "order-rpc")
	restarts := inspect(t, "{{.RestartCount}}", id)
	load := startBuying(t, "crash")
	time.Sleep(2 * time.Second)
	pid, err := strconv.Atoi(inspect(t, "{{.State.Pid}}", id))
	if err != nil || pid <= 0 {
		t.Fatalf("order-rpc's pid: %v", err)
	}
	killed := time.Now()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill order-rpc (pid %d): %v", pid, err)
	}
	testkit.Eventually(t, time.Minute, "order-rpc restarted and healthy", func() bool {
		return inspect(t, "{{.RestartCount}}", id) != restarts && inspect(t, "{{.State.Health.Status}}", id) == "healthy"
	})
	t.Logf("compose: order-rpc restarted by its restart policy and healthy %.1fs after the kill", time.Since(killed).Seconds())
	s.buyOnThenCheck(t, load, "order-rpc")
}

func (s *stack) restartMySQL(t *testing.T) {
	load := startBuying(t, "mysql")
	time.Sleep(2 * time.Second)
	start := time.Now()
	s.run(t, "restart", "mysql")
	id := s.container(t, "mysql")
	testkit.Eventually(t, 2*time.Minute, "MariaDB healthy again", func() bool {
		return inspect(t, "{{.State.Health.Status}}", id) == "healthy"
	})
	t.Logf("compose: MariaDB restarted and healthy in %.1fs", time.Since(start).Seconds())
	s.buyOnThenCheck(t, load, "MariaDB")
}

// brokerAway stops NATS, pays an order at the sandbox (payment-api and payment-rpc take it; the
// event waits in the outbox), and starts NATS again: the order becomes paid.
func (s *stack) brokerAway(t *testing.T) {
	s.run(t, "stop", "nats")
	email := fmt.Sprintf("broker-%d@example.com", time.Now().UnixNano())
	register(t, email)
	token := login(t, email)
	order := expect(t, call(t, "POST", orderAPI+"/order/v1/orders", token, map[string]any{
		"items": []map[string]int{{"productId": 2, "quantity": 1}},
	}), "order")
	pay := expect(t, call(t, "POST", payAPI+"/payment/v1/payments", token, map[string]string{"orderSn": order.str("sn")}), "open payment")
	if r := expect(t, call(t, "POST", pay.str("payUrl"), token, nil), "pay at the sandbox"); r.str("status") != statusword.PaymentSucceeded {
		t.Fatalf("sandbox payment with the broker away: %s, want succeeded", r.Raw)
	}
	time.Sleep(2 * time.Second)
	if r := call(t, "GET", orderAPI+"/order/v1/orders/"+order.str("sn"), token, nil); r.str("status") != statusword.OrderPending {
		t.Fatalf("order with the broker away: %s, want pending", r.Raw)
	}
	start := time.Now()
	s.run(t, "start", "nats")
	id := s.container(t, "nats")
	testkit.Eventually(t, time.Minute, "NATS healthy again", func() bool {
		return inspect(t, "{{.State.Health.Status}}", id) == "healthy"
	})
	waitStatus(t, token, order.str("sn"), statusword.OrderPaid)
	t.Logf("compose: order %s paid %.1fs after the broker was started again", order.str("sn"), time.Since(start).Seconds())
}

// buyOnThenCheck lets the buyer go on for 3 s after the fault healed, then checks that purchases
// were acknowledged again and that none acknowledged at any time is missing.
func (s *stack) buyOnThenCheck(t *testing.T, load *buying, healed string) {
	t.Helper()
	before := load.count()
	time.Sleep(3 * time.Second)
	acked := load.stop(t)
	if len(acked) <= before {
		t.Errorf("no purchase acknowledged after %s came back (%d before, %d after)", healed, before, len(acked))
	}
	s.checkAcked(t, load.token, acked)
}

// checkAcked reads every acknowledged order back through order-api and counts them in MariaDB.
func (s *stack) checkAcked(t *testing.T, token string, acked []string) {
	t.Helper()
	for _, sn := range acked {
		if r := call(t, "GET", orderAPI+"/order/v1/orders/"+sn, token, nil); r.Status != 200 {
			t.Errorf("acknowledged order %s: GET answers %d %s", sn, r.Status, r.Raw)
		}
	}
	if got := s.countOrders(t, acked); got != len(acked) {
		t.Errorf("MariaDB holds %d of the %d acknowledged orders", got, len(acked))
	}
	s.acked = append(s.acked, acked...)
	t.Logf("compose: %d acknowledged orders, all read back through order-api and found in MariaDB", len(acked))
}

func (s *stack) countOrders(t *testing.T, sns []string) int {
	t.Helper()
	if len(sns) == 0 {
		return 0
	}
	query := fmt.Sprintf("SELECT COUNT(*) FROM zeromall_order.orders WHERE sn IN ('%s')", strings.Join(sns, "','"))
	out := s.run(t, "exec", "-T", "mysql", "mariadb", "-uroot", "-p"+dbPassword, "-N", "-B", "-e", query)
	n, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("count orders: %q: %v", out, err)
	}
	return n
}

func (s *stack) downUp(t *testing.T) {
	start := time.Now()
	s.run(t, "--profile", "observability", "down")
	t.Logf("compose: down in %.1fs", time.Since(start).Seconds())
	start = time.Now()
	s.up(t)
	s.waitHealthy(t)
	t.Logf("compose: up again and healthy in %.1fs", time.Since(start).Seconds())

	b := s.bought
	token := login(t, b.email)
	if r := call(t, "GET", orderAPI+"/order/v1/orders/"+b.order, token, nil); r.str("status") != statusword.OrderRefunded {
		t.Errorf("order %s after down/up: %d %s, want refunded", b.order, r.Status, r.Raw)
	}
	if r := call(t, "GET", payAPI+"/payment/v1/payments/"+b.payment, token, nil); r.str("status") != statusword.PaymentRefunded {
		t.Errorf("payment %s after down/up: %d %s, want refunded", b.payment, r.Status, r.Raw)
	}
	if got := s.countOrders(t, s.acked); got != len(s.acked) {
		t.Errorf("after down/up MariaDB holds %d of the %d orders acknowledged before", got, len(s.acked))
	}
	t.Logf("compose: after down/up the buyer logs in, the order and payment read refunded, %d earlier orders are all there", len(s.acked))
}

// up starts the stack and the observability profile's Jaeger, which every service exports to.
func (s *stack) up(t *testing.T) {
	t.Helper()
	s.run(t, "--profile", "observability", "up", "-d", "--no-build", "jaeger")
	s.run(t, "up", "-d", "--no-build")
}

// jaegerHasThePurchase walks a purchase with deploy/scripts/purchase.sh and reads its trace back
// from Jaeger by the id the script printed.
func (s *stack) jaegerHasThePurchase(t *testing.T) {
	cmd := exec.Command("deploy/scripts/purchase.sh")
	cmd.Dir = s.root
	cmd.Env = append(os.Environ(), fmt.Sprintf("EMAIL=compose-trace-%d@example.com", time.Now().UnixNano()), "OTLP_HTTP=http://127.0.0.1:4318")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("purchase.sh: %v\n%s", err, testkit.Tail(string(out), 20))
	}
	m := regexp.MustCompile(`trace id of this purchase: ([0-9a-f]{32})`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("purchase.sh printed no trace id:\n%s", testkit.Tail(string(out), 10))
	}
	tr, err := testkit.WaitTrace(context.Background(), jaeger, string(m[1]), testkit.Processes, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range tr.PurchaseProblems() {
		t.Error(p)
	}
	for _, l := range tr.Leaks("correct horse") {
		t.Error(l)
	}
	t.Logf("compose: Jaeger holds purchase trace %s: %d spans from %d processes, order-rpc handled payment.succeeded in it", m[1], len(tr.Spans), len(testkit.Processes)+1)
}

func (s *stack) prometheusScrapes(t *testing.T) {
	s.run(t, "--profile", "observability", "up", "-d", "--no-build", "prometheus")
	var down []string
	testkit.Eventually(t, 2*time.Minute, "Prometheus scraping all six containers", func() bool {
		r := get(promAPI + "/api/v1/targets?state=active")
		if r.Status != 200 {
			return false
		}
		up := map[string]bool{}
		data, _ := r.JSON["data"].(map[string]any)
		targets, _ := data["activeTargets"].([]any)
		for _, x := range targets {
			tg, _ := x.(map[string]any)
			labels, _ := tg["labels"].(map[string]any)
			instance, _ := labels["instance"].(string)
			up[instance] = tg["health"] == "up"
		}
		down = down[:0]
		for _, p := range processes {
			if !up[p+":"+devPort[p]] {
				down = append(down, p)
			}
		}
		return len(down) == 0
	})
	r := get(promAPI + "/api/v1/query?query=" + "sum%20by%20(job)(up)")
	t.Logf("compose: Prometheus scrapes %v, sum(up) = %s", processes, r.Raw)
}

var devPort = map[string]string{
	"user-api": "6470", "user-rpc": "6471", "order-api": "6472",
	"order-rpc": "6473", "payment-api": "6474", "payment-rpc": "6475",
}

// buying is a buyer placing one order every 100 ms, each with its own idempotency key, retried
// with that key until acknowledged: the way a client keeps its purchase through a fault.
type buying struct {
	token string
	done  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	acked []string
	errs  int
}

func startBuying(t *testing.T, name string) *buying {
	t.Helper()
	email := fmt.Sprintf("%s-%d@example.com", name, time.Now().UnixNano())
	register(t, email)
	b := &buying{token: login(t, email), done: make(chan struct{})}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		for i := 0; ; i++ {
			key := fmt.Sprintf("%s-%d-%d", name, time.Now().UnixNano(), i)
			for {
				r := try("POST", orderAPI+"/order/v1/orders", b.token, map[string]any{
					"items": []map[string]int{{"productId": 3, "quantity": 1}},
				}, "Idempotency-Key", key)
				if r.Status == 200 {
					b.mu.Lock()
					b.acked = append(b.acked, r.str("sn"))
					b.mu.Unlock()
					break
				}
				b.mu.Lock()
				b.errs++
				b.mu.Unlock()
				select {
				case <-b.done:
					return // an unacknowledged order is the client's to retry; none is counted
				case <-time.After(200 * time.Millisecond):
				}
			}
			select {
			case <-b.done:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return b
}

func (b *buying) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.acked)
}

func (b *buying) stop(t *testing.T) []string {
	t.Helper()
	close(b.done)
	b.wg.Wait()
	t.Logf("compose: buyer acknowledged %d orders; %d attempts failed and were retried with their key", len(b.acked), b.errs)
	return b.acked
}

// explorerServes checks what a browser on the explorer needs: every spec sends its requests to
// the gateway's published address, and that gateway answers a preflight from the explorer's origin.
func explorerServes(t *testing.T) {
	const explorer = "http://127.0.0.1:8880"
	gateways := map[string]string{"user-api": "127.0.0.1:8888", "order-api": "127.0.0.1:8889", "payment-api": "127.0.0.1:8890"}
	for name, gateway := range gateways {
		spec := expect(t, get(explorer+"/specs/"+name+".json"), name+"'s spec")
		if spec.str("host") != gateway {
			t.Errorf("the explorer sends %s's requests to %q, want %s", name, spec.str("host"), gateway)
		}
		req, err := http.NewRequest(http.MethodOptions, "http://"+gateway+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", explorer)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		resp, err := httpc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != explorer {
			t.Errorf("%s answers the explorer's preflight %d, Allow-Origin %q", name, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
	}
	t.Logf("compose: the explorer at %s lists user-api, order-api and payment-api; each gateway allows its origin", explorer)
}
