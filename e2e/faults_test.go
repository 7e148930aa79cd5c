package e2e

// The fault-injection suite: each test breaks one thing the way production breaks it and asserts
// the figure doc/resilience.md promises. Run alone with `make test-faults`.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"zeromall/apps/order/rpc/order"
	"zeromall/pkg/testkit"

	goredis "github.com/redis/go-redis/v9"
)

var loadClient = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}

// timedResult is one answer with when it was sent and its business code.
type timedResult struct {
	testkit.Result
	At   time.Time
	Code int
}

// hit sends one request and times it; body may be nil.
func hit(method, url, token string, body any) timedResult {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, url, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	start := time.Now()
	resp, err := loadClient.Do(req)
	r := timedResult{At: start}
	if err != nil {
		r.Latency = time.Since(start)
		return r
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r.Latency, r.Status = time.Since(start), resp.StatusCode
	if resp.StatusCode >= 400 {
		var b struct {
			Code int `json:"code"`
		}
		_ = json.Unmarshal(raw, &b)
		r.Code = b.Code
	}
	return r
}

// run sends requests from workers goroutines for d and returns every answer.
func run(d time.Duration, workers int, do func() timedResult) []timedResult {
	var (
		mu  sync.Mutex
		out []timedResult
		wg  sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				r := do()
				mu.Lock()
				out = append(out, r)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

func stats(rs []timedResult) testkit.LoadStats {
	plain := make([]testkit.Result, len(rs))
	var first, last time.Time
	for i, r := range rs {
		plain[i] = r.Result
		if first.IsZero() || r.At.Before(first) {
			first = r.At
		}
		if end := r.At.Add(r.Latency); end.After(last) {
			last = end
		}
	}
	return testkit.Summarize(plain, last.Sub(first))
}

func only(rs []timedResult, keep func(timedResult) bool) []timedResult {
	var out []timedResult
	for _, r := range rs {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// 1. order-rpc dies: order-api answers 503/504 with {code,msg}, soon fast, user-api is
// unaffected, and order-api recovers by itself when order-rpc is back.
func TestFault_RpcDown_BreakerOpensFastAndRecovers(t *testing.T) {
	e := startOrderStack(t, nil)
	a := e.buyer(t)
	orders := func() timedResult { return hit(http.MethodGet, e.base+"/order/v1/orders", a.Token, nil) }
	if r := orders(); r.Status != 200 {
		t.Fatalf("baseline: %d", r.Status)
	}

	e.rpc.Kill()
	killed := time.Now()
	outage := run(6*time.Second, 4, orders)
	for _, r := range outage {
		if (r.Status != 503 && r.Status != 504) || (r.Code != 1503 && r.Code != 1504) {
			t.Fatalf("during the outage: status %d code %d, want 503/504 with {code,msg}", r.Status, r.Code)
		}
	}
	all := stats(outage)
	if all.Max > 3500*time.Millisecond {
		t.Errorf("a request hung for %s; the rpc timeout is 3s", all.Max)
	}
	late := stats(only(outage, func(r timedResult) bool { return r.At.After(killed.Add(3 * time.Second)) }))
	if late.P90 > 100*time.Millisecond {
		t.Errorf("with the breaker open, p90 of failures is %s, want < 100ms", late.P90)
	}
	me := stats(run(time.Second, 2, func() timedResult { return hit(http.MethodGet, e.users.base+"/user/v1/me", a.Token, nil) }))
	if me.Rate(200) != 1 {
		t.Errorf("user-api affected by the order outage: %v", me.ByStatus)
	}
	// The rpc client's breaker counts the 503s (the route's leaves them to it); either breaker
	// refusing moves the breaker-open alert's series.
	route := metric(t, e.api, `zeromall_breaker_rejected_total{breaker="route"}`)
	client := metric(t, e.api, `zeromall_breaker_rejected_total{breaker="rpc_client"}`)
	if route+client == 0 {
		t.Error("order-api's zeromall_breaker_rejected_total did not move: the breaker-open alert would not fire")
	}
	t.Logf("FIGURE rpc-down: all failures %s; after 3s: %s; user-api meanwhile: %s; breaker refusals counted: route %.0f, rpc client %.0f", all, late, me, route, client)

	e.rpc.Start()
	restarted := time.Now()
	testkit.Eventually(t, 20*time.Second, "order-api recovers without a restart", func() bool {
		return orders().Status == 200
	})
	t.Logf("FIGURE rpc-down: recovered %s after order-rpc restarted", time.Since(restarted).Round(10*time.Millisecond))
}

const listProducts = order.Order_ListProducts_FullMethodName

// 2. One of two order-rpc instances is killed under steady load: almost nothing fails, and a
// new instance takes traffic within seconds.
func TestFault_InstanceKilledUnderLoad(t *testing.T) {
	e := startOrderStack(t, nil)
	second := e.stack.StartRPC("order", nil)
	products := func() timedResult { return hit(http.MethodGet, e.base+"/order/v1/products", "", nil) }
	testkit.Eventually(t, 10*time.Second, "both instances take traffic", func() bool {
		run(200*time.Millisecond, 4, products)
		return served(second, listProducts) && served(e.rpc, listProducts)
	})

	var killedAt time.Time
	go func() {
		time.Sleep(2 * time.Second)
		killedAt = time.Now()
		second.Kill()
	}()
	rs := run(8*time.Second, 8, products)
	s := stats(rs)
	errRate := 1 - s.Rate(200)
	failed := only(rs, func(r timedResult) bool { return r.Status != 200 })
	var lastFailure time.Duration
	for _, r := range failed {
		lastFailure = max(lastFailure, r.At.Sub(killedAt))
	}
	t.Logf("FIGURE instance-killed: %s; error rate %.3f%%, last failure %s after the kill", s, 100*errRate, lastFailure)
	if errRate >= 0.01 {
		t.Errorf("error rate %.2f%% with one of two instances killed, want < 1%%", 100*errRate)
	}
	if lastFailure > 10*time.Second {
		t.Errorf("failures went on %s after the kill, beyond the 10s lease TTL", lastFailure)
	}

	third := e.stack.StartRPC("order", nil)
	joined := time.Now()
	testkit.Eventually(t, 10*time.Second, "a new instance takes traffic", func() bool {
		run(100*time.Millisecond, 4, products)
		return served(third, listProducts)
	})
	t.Logf("FIGURE instance-killed: new instance served traffic %s after it was healthy", time.Since(joined).Round(10*time.Millisecond))
}

// 3. etcd stops after start: gateways keep serving with the endpoints they know; when etcd is
// back the services register again and a new instance is found through it.
func TestFault_EtcdDownAfterStart(t *testing.T) {
	e := startOrderStack(t, nil)
	a := e.buyer(t)
	e.stack.Etcd.Stop()
	rs := run(3*time.Second, 4, func() timedResult {
		if time.Now().UnixNano()%2 == 0 {
			return hit(http.MethodGet, e.users.base+"/user/v1/me", a.Token, nil)
		}
		return hit(http.MethodGet, e.base+"/order/v1/orders", a.Token, nil)
	})
	s := stats(rs)
	t.Logf("FIGURE etcd-down: %s", s)
	if s.Rate(200) != 1 {
		t.Fatalf("gateways failed while etcd was down: %v", s.ByStatus)
	}

	e.stack.Etcd.Start()
	testkit.Eventually(t, 30*time.Second, "the rpc servers register again", func() bool {
		return len(etcdEndpoints(t, e.stack.Etcd, "order.rpc")) > 0 && len(etcdEndpoints(t, e.stack.Etcd, "user.rpc")) > 0
	})
	replacement := e.stack.StartRPC("order", nil)
	e.rpc.Kill()
	testkit.Eventually(t, 20*time.Second, "order-api reaches the new instance found through etcd", func() bool {
		return hit(http.MethodGet, e.base+"/order/v1/orders", a.Token, nil).Status == 200 &&
			served(replacement, order.Order_ListOrders_FullMethodName)
	})
}

func redisHitsMisses(t *testing.T, addr string) (hits, misses int64) {
	t.Helper()
	cli := goredis.NewClient(&goredis.Options{Addr: addr})
	defer cli.Close()
	info, err := cli.Info(context.Background(), "stats").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "keyspace_hits:"); ok {
			_, _ = fmt.Sscan(v, &hits)
		}
		if v, ok := strings.CutPrefix(line, "keyspace_misses:"); ok {
			_, _ = fmt.Sscan(v, &misses)
		}
	}
	return hits, misses
}

// 4. Redis dies: cached reads fall back to MySQL, writes succeed, login throttling fails open;
// Redis back: reads hit the cache again.
func TestFault_RedisDown(t *testing.T) {
	s := testkit.NewStack(t)
	e := startOrderServices(s, map[string]string{"LOGIN_LIMIT_ACCOUNT": "3", "LOGIN_LIMIT_IP": "100000"}, nil)
	users := e.users
	a := e.buyer(t)
	sn := e.order(t, a.Token, [2]int{productTee, 1}).str("sn")

	s.Redis.Stop()
	reads := run(2*time.Second, 4, func() timedResult {
		switch time.Now().UnixNano() % 3 {
		case 0:
			return hit(http.MethodGet, e.base+"/order/v1/products", "", nil)
		case 1:
			return hit(http.MethodGet, e.base+"/order/v1/orders/"+sn, a.Token, nil)
		}
		return hit(http.MethodGet, users.base+"/user/v1/me", a.Token, nil)
	})
	rs := stats(reads)
	t.Logf("FIGURE redis-down reads: %s", rs)
	if rs.Rate(200) != 1 {
		t.Fatalf("reads failed with Redis down: %v", rs.ByStatus)
	}
	if r := e.order(t, a.Token, [2]int{productMug, 1}); r.Status != 200 {
		t.Fatalf("create order with Redis down: %d %s", r.Status, r.Raw)
	}
	if r := call(t, http.MethodPut, users.base+"/user/v1/me", a.Token, map[string]any{"nickname": "No Cache"}); r.Status != 200 {
		t.Fatalf("profile update with Redis down: %d %s", r.Status, r.Raw)
	}
	if r := call(t, http.MethodGet, users.base+"/user/v1/me", a.Token, nil); r.str("nickname") != "No Cache" {
		t.Fatalf("update not visible: %s", r.Raw)
	}
	// Documented degradation: the login limiter fails open rather than locking everyone out.
	for i := range 5 {
		if r := call(t, http.MethodPost, users.base+"/user/v1/login", "", map[string]any{"email": a.Email, "password": a.Password}); r.Status != 200 {
			t.Fatalf("login %d with Redis down: %d %s", i+1, r.Status, r.Raw)
		}
	}

	s.Redis.Start()
	restarted := time.Now()
	var back testkit.LoadStats
	var ratio float64
	testkit.Eventually(t, 30*time.Second, "reads hit the cache again", func() bool {
		hits0, misses0 := redisHitsMisses(t, s.Redis.Addr)
		back = stats(run(300*time.Millisecond, 2, func() timedResult { return hit(http.MethodGet, e.base+"/order/v1/products", "", nil) }))
		hits1, misses1 := redisHitsMisses(t, s.Redis.Addr)
		ratio = float64(hits1-hits0) / float64(max(1, hits1-hits0+misses1-misses0))
		return back.Rate(200) == 1 && ratio >= 0.9 && hits1-hits0 >= int64(back.Total)/2
	})
	t.Logf("FIGURE redis-back: hit ratio %.3f again %s after Redis restarted; %s",
		ratio, time.Since(restarted).Round(10*time.Millisecond), back)
	if r := call(t, http.MethodPost, users.base+"/user/v1/login", "", map[string]any{"email": uniqueEmail("x"), "password": "whatever1"}); r.Status != 401 {
		t.Fatalf("login after Redis is back: %d", r.Status)
	}
}

// 5. MySQL goes away: writes answer 503 fast, cached reads are still served; MySQL back: full
// recovery without restarts.
func TestFault_MySQLDown(t *testing.T) {
	s := testkit.NewStack(t)
	proxy := s.ProxyMySQL()
	e := startOrderServices(s, map[string]string{"LOGIN_LIMIT_IP": "100000"}, nil)
	users := e.users
	a := e.buyer(t)
	sn := e.order(t, a.Token, [2]int{productTee, 1}).str("sn")
	for _, url := range []string{e.base + "/order/v1/orders/" + sn, e.base + "/order/v1/products", users.base + "/user/v1/me"} {
		call(t, http.MethodGet, url, a.Token, nil) // cache them
	}

	proxy.Stop()
	writes := run(2*time.Second, 2, func() timedResult {
		return hit(http.MethodPost, e.base+"/order/v1/orders", a.Token, map[string]any{"items": []map[string]any{{"productId": productTee, "quantity": 1}}})
	})
	ws := stats(writes)
	t.Logf("FIGURE mysql-down writes: %s", ws)
	for _, r := range writes {
		if r.Status != 503 || r.Code != 1503 {
			t.Fatalf("write with MySQL down: %d code %d, want 503 {code:1503}", r.Status, r.Code)
		}
	}
	if ws.P99 > time.Second {
		t.Errorf("writes with MySQL down took p99 %s, want fast failures", ws.P99)
	}
	dependency := metric(t, e.rpc, `zeromall_breaker_rejected_total{breaker="dependency"}`)
	route := metric(t, e.api, `zeromall_breaker_rejected_total{breaker="route"}`)
	if dependency+route == 0 {
		t.Error("no breaker refusal counted (zeromall_breaker_rejected_total) with MySQL down")
	}
	t.Logf("FIGURE mysql-down: breaker refusals counted: order-rpc's on MySQL %.0f, order-api's route %.0f", dependency, route)
	reads := stats(run(time.Second, 2, func() timedResult {
		if time.Now().UnixNano()%2 == 0 {
			return hit(http.MethodGet, e.base+"/order/v1/orders/"+sn, a.Token, nil)
		}
		return hit(http.MethodGet, e.base+"/order/v1/products", "", nil)
	}))
	t.Logf("FIGURE mysql-down cached reads: %s", reads)
	if reads.Rate(200) != 1 {
		t.Fatalf("cached reads failed with MySQL down: %v", reads.ByStatus)
	}

	proxy.Start()
	back := time.Now()
	testkit.Eventually(t, 30*time.Second, "writes succeed again", func() bool {
		return hit(http.MethodPost, e.base+"/order/v1/orders", a.Token,
			map[string]any{"items": []map[string]any{{"productId": productTee, "quantity": 1}}}).Status == 200
	})
	t.Logf("FIGURE mysql-down: writes recovered %s after MySQL came back", time.Since(back).Round(10*time.Millisecond))
}

// 6. A slow downstream: every MySQL round trip takes 2s, so ListOrders overruns its 1s server
// budget. The gateway answers within that budget plus a small margin, and repeated timeouts open
// the breaker.
func TestFault_SlowDownstreamTimesOut(t *testing.T) {
	s := testkit.NewStack(t)
	proxy := s.ProxyMySQL()
	e := startOrderServices(s, map[string]string{"LOGIN_LIMIT_IP": "100000"}, nil)
	users := e.users
	a := e.buyer(t)
	call(t, http.MethodGet, users.base+"/user/v1/me", a.Token, nil) // cache the buyer

	proxy.SetDelay(2 * time.Second)
	// Concurrent callers: go-zero's breaker lets one request through per second whatever its
	// state, so a lone sequential caller of a 1s-slow method would never see it open.
	rs := run(5*time.Second, 4, func() timedResult { return hit(http.MethodGet, e.base+"/order/v1/orders", a.Token, nil) })
	proxy.SetDelay(0)
	var slow, fast []timedResult
	for _, r := range rs {
		if r.Status != 503 && r.Status != 504 {
			t.Fatalf("slow downstream answered %d (code %d), want 503/504", r.Status, r.Code)
		}
		if r.Latency > 1500*time.Millisecond {
			t.Errorf("answered after %s; ListOrders has a 1s server budget", r.Latency)
		}
		if r.Latency < 100*time.Millisecond {
			fast = append(fast, r)
		} else {
			slow = append(slow, r)
		}
	}
	t.Logf("FIGURE slow-downstream: %d timed out (%s), then %d rejected fast by the open breaker (%s)",
		len(slow), stats(slow), len(fast), stats(fast))
	if len(fast) == 0 {
		t.Error("the breaker never opened after repeated timeouts")
	}
}

// 7. Overload in pro mode: user-rpc's Login lane (pkg/overload) sheds logins it cannot serve in
// time; shed requests get a 503 within the lane's wait while the accepted ones keep a bounded
// p99, and no process writes a log line per shed request.
func TestFault_OverloadIsShed(t *testing.T) {
	s := testkit.NewStack(t)
	// bcrypt cost 9 (~47 ms a hash here, ~0.4 s with 16 at once on two cores). 64 clients
	// queue for about three service times, past what the lane serves in order (waiters older
	// than half its wait of 0.5 s are answered 503 when a slot frees): the excess must be shed.
	// (Before issue 47 the wait was a fixed 50 ms and 48 clients sufficed; 128 made the shed
	// clients' retries eat the CPU the logins needed.) At cost 10 (~95 ms on this machine)
	// admitted logins neared their 3 s budget before any shedding question arose.
	rpc := s.StartRPC("user", map[string]string{
		"ZEROMALL_MODE": "pro", "BCRYPT_COST": "9",
		"LOGIN_LIMIT_ACCOUNT": "1000000", "LOGIN_LIMIT_IP": "1000000",
	})
	api := s.StartAPI("user", nil)
	users := &userEnv{stack: s, base: api.URL}
	a := users.register(t, users.base, "load")
	login := func() timedResult {
		return hit(http.MethodPost, users.base+"/user/v1/login", "", map[string]any{"email": a.Email, "password": a.Password})
	}
	rs := run(8*time.Second, 64, login)
	accepted := stats(only(rs, func(r timedResult) bool { return r.Status == 200 }))
	shed := stats(only(rs, func(r timedResult) bool { return r.Status == 503 }))
	t.Logf("FIGURE overload: accepted %s", accepted)
	t.Logf("FIGURE overload: shed %s", shed)
	for _, r := range rs {
		if r.Status != 200 && r.Status != 503 {
			t.Fatalf("overload answered %d (code %d)", r.Status, r.Code)
		}
		if r.Status == 503 && r.Code != 1503 {
			t.Fatalf("shed answer without {code:1503}: %d", r.Code)
		}
	}
	if shed.Total == 0 {
		t.Fatal("nothing was shed under 64 concurrent bcrypt logins on 2 cores")
	}
	// A shed answer comes within the lanes' waits (Overload.MaxWait, 0.5 s, in user-rpc and in the
	// gateway in front); scheduling on two cores saturated by bcrypt adds up to ~0.2 s.
	if shed.P90 > 1500*time.Millisecond {
		t.Errorf("shed requests took p50 %s, p90 %s; want p90 within the two 0.5 s waits and scheduling (1.5 s)", shed.P50, shed.P90)
	}
	if accepted.Total == 0 || accepted.P99 > 3*time.Second {
		t.Errorf("accepted requests: %s, want p99 within the 3s Login budget", accepted)
	}
	// No line is written per shed request (accepted logins are slow on purpose and log as such).
	for name, logs := range map[string]string{"user-rpc": rpc.Logs(), "user-api": api.Logs()} {
		for _, line := range strings.Split(logs, "\n") {
			for _, mark := range []string{"[HTTP] 503", "ResourceExhausted", "dropreq", "dropped", "service unavailable"} {
				if strings.Contains(line, mark) {
					t.Fatalf("%s logged a shed request (%d shed in all):\n%s", name, shed.Total, line)
				}
			}
		}
	}
}

// 8. SIGTERM to an rpc instance under load, with a second one up: its etcd key is gone before it
// stops listening, in-flight requests finish, and clients see no error.
func TestFault_GracefulShutdown(t *testing.T) {
	e := startOrderStack(t, nil)
	second := e.stack.StartRPC("order", nil)
	products := func() timedResult { return hit(http.MethodGet, e.base+"/order/v1/products", "", nil) }
	testkit.Eventually(t, 10*time.Second, "both instances take traffic", func() bool {
		run(200*time.Millisecond, 4, products)
		return served(second, listProducts) && served(e.rpc, listProducts)
	})

	var (
		keyGone, portClosed time.Time
		watch               sync.WaitGroup
		ctx, stopWatch      = context.WithCancel(context.Background())
	)
	watch.Add(1)
	go func() {
		defer watch.Done()
		for ctx.Err() == nil && (keyGone.IsZero() || portClosed.IsZero()) {
			if keyGone.IsZero() && !slices.Contains(etcdEndpoints(t, e.stack.Etcd, "order.rpc"), second.Addr) {
				keyGone = time.Now()
			}
			if portClosed.IsZero() {
				if c, err := net.DialTimeout("tcp", second.Addr, 100*time.Millisecond); err != nil {
					portClosed = time.Now()
				} else {
					c.Close()
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	var sigterm time.Time
	go func() {
		time.Sleep(1500 * time.Millisecond)
		sigterm = time.Now()
		second.Stop()
	}()
	rs := run(6*time.Second, 8, products)
	stopWatch()
	watch.Wait()

	s := stats(rs)
	t.Logf("FIGURE graceful-shutdown: %s; etcd key removed %s after SIGTERM, port closed %s after SIGTERM",
		s, keyGone.Sub(sigterm).Round(time.Millisecond), portClosed.Sub(sigterm).Round(time.Millisecond))
	if s.Rate(200) != 1 {
		t.Errorf("clients saw errors during a graceful shutdown: %v", s.ByStatus)
	}
	if keyGone.IsZero() || portClosed.IsZero() || !keyGone.Before(portClosed) {
		t.Errorf("etcd key removed at %v, port closed at %v: the key must go first", keyGone, portClosed)
	}
}

// metric reads one series of svc's /metrics; a service whose metrics cannot be read fails the
// test rather than reading as 0.
func metric(t *testing.T, svc *testkit.Service, series string) float64 {
	t.Helper()
	v, err := svc.Metric(series)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// served tells whether svc has answered method; a service not serving metrics yet has not.
func served(svc *testkit.Service, method string) bool {
	n, err := svc.Served(method)
	return err == nil && n > 0
}

// The broker dies: buyers still order, open payments and pay (every answer 2xx); the payments'
// events wait in payment-rpc's outbox and the orders stay pending. Broker back: every order is
// paid.
func TestFault_BrokerDown(t *testing.T) {
	e := startPaymentStack(t, nil, map[string]string{"EVENTS_RELAY_INTERVAL": "200ms", "EVENTS_RELAY_MAX_BACKOFF": "1s"})
	e.stack.NATS.Stop()
	var orders []string
	answers := map[int]int{}
	started := time.Now()
	for range 8 {
		buyer, orderSn, pay := e.purchase(t, productTee) // fails the test on any non-2xx
		r := e.sandboxPay(t, buyer.Token, pay.str("sn"))
		answers[r.Status]++
		orders = append(orders, orderSn)
	}
	took := time.Since(started)
	var waiting int
	if err := e.paymentDB.QueryRow("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").Scan(&waiting); err != nil {
		t.Fatal(err)
	}
	t.Logf("FIGURE broker-down: 8 purchases (order, payment, pay) in %s, pay answers by status %v; %d events waiting in payment-rpc's outbox",
		took.Round(10*time.Millisecond), answers, waiting)
	if answers[http.StatusOK] != 8 || waiting < 8 {
		t.Fatalf("with the broker down: pay answers %v, %d events waiting; want 8 × 200 and 8 waiting", answers, waiting)
	}
	for _, sn := range orders {
		if got := e.orderStatus(t, sn); got != "pending" {
			t.Fatalf("order %s is %s with the broker down, want pending", sn, got)
		}
	}
	e.stack.NATS.Start()
	back := time.Now()
	for _, sn := range orders {
		e.eventuallyOrder(t, sn, "paid")
	}
	t.Logf("FIGURE broker-down: all 8 orders paid %s after the broker was back", time.Since(back).Round(10*time.Millisecond))
}
