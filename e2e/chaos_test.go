package e2e

// The chaos run (doc/resilience.md, "Chaos run"): buyers do whole purchases, cancels and refunds
// through the gateways while processes are killed with SIGKILL and restarted, Redis is restarted
// and MySQL connections are cut. Afterwards, with everything back and the outbox drained, a checker
// reads both databases and counts every broken invariant. CHAOS_DURATION sets the length (20s in
// make test, 60s in make chaos), CHAOS_SEED replays a run's choices.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zeromall/pkg/crashpoint"
	"zeromall/pkg/events"
	"zeromall/pkg/testkit"
)

// Timings of the chaos stack: short, so that auto-cancel, payment expiry and late refunds all
// happen within a run.
var chaosEnv = struct{ order, payment map[string]string }{
	order: map[string]string{
		"ORDER_AUTO_CANCEL_AFTER":     "4s",
		"ORDER_AUTO_CANCEL_INTERVAL":  "1s",
		"EVENTS_RELAY_INTERVAL":       "300ms",
		"EVENTS_RELAY_MAX_BACKOFF":    "1s",
		"EVENTS_CONSUMER_MAX_BACKOFF": "1s",
	},
	payment: map[string]string{
		"EVENTS_RELAY_INTERVAL":       "300ms",
		"EVENTS_RELAY_MAX_BACKOFF":    "1s",
		"EVENTS_CONSUMER_MAX_BACKOFF": "1s",
		"PAYMENT_EXPIRE_AFTER":        "6s",
		"PAYMENT_SETTLE_GRACE":        "3s",
		"PAYMENT_EXPIRY_INTERVAL":     "1s",
	},
}

const chaosBuyers = 12

// chaosCrashes arms the rpcs' post-commit crash points at a small share of their hits
// (pkg/crashpoint): a random SIGKILL almost never lands between a commit and its cache delete, so
// these do, and the gateway-read check at the end has something to catch if the drains fail.
var chaosCrashes = map[string]string{
	"order":   "order.created@0.01,order.held@0.01,order.paid@0.02,order.cancelled@0.02,order.refunded@0.02",
	"payment": "payment.created@0.01,payment.paid@0.02,payment.refunded@0.02,payment.expired@0.02,payment.refunded-late@0.05",
}

// withCrashes adds service's armed crash points to env.
func withCrashes(service string, env map[string]string) map[string]string {
	out := map[string]string{crashpoint.EnvVar: chaosCrashes[service]}
	for k, v := range env {
		out[k] = v
	}
	return out
}

func TestChaos_PurchasesStayConsistentWhileProcessesDie(t *testing.T) {
	duration := 20 * time.Second
	if v := os.Getenv("CHAOS_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("CHAOS_DURATION: %v", err)
		}
		duration = d
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("CHAOS_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("CHAOS_SEED: %v", err)
		}
		seed = n
	}
	t.Logf("chaos: seed %d, %s", seed, duration)

	t.Log("chaos: starting the stack (etcd, NATS, Redis, MySQL proxy, 8 processes)")
	s := testkit.NewStack(t)
	mysqlCut := s.ProxyMySQL()
	services := []*testkit.Service{
		s.StartRPC("user", map[string]string{"LOGIN_LIMIT_IP": "1000000"}),
		s.StartRPC("order", withCrashes("order", chaosEnv.order)),
		s.StartRPC("order", withCrashes("order", chaosEnv.order)),
		s.StartRPC("payment", withCrashes("payment", chaosEnv.payment)),
		s.StartRPC("payment", withCrashes("payment", chaosEnv.payment)), // two relays, two expiry workers
	}
	userAPI := s.StartAPI("user", nil)
	orderAPI := s.StartAPI("order", nil)
	payAPI, sandbox := s.StartPaymentAPI(nil)
	services = append(services, userAPI, orderAPI, payAPI)

	orderDB, paymentDB := openDB(t, s.DSN("order")), openDB(t, s.DSN("payment"))
	initial := productStocks(t, orderDB)
	shop := &chaosShop{user: userAPI.URL, order: orderAPI.URL, pay: payAPI.URL, sandbox: sandbox.URL, seen: newAcks(), statuses: map[int]int{}}
	buyers := make([]*chaosBuyer, chaosBuyers)
	for i := range buyers {
		buyers[i] = shop.newBuyer(t, i, rand.New(rand.NewPCG(seed, uint64(i+1))))
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, b := range buyers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					b.visit()
				}
			}
		}()
	}

	faults, crashes := 0, 0
	// restartCrashed starts again the processes that died at a crash point; any other death is a
	// crash of the code, and fails the run.
	seenCrashes := map[*testkit.Service]int{}
	restartCrashed := func() {
		for _, svc := range services {
			if svc.Exited() {
				n := strings.Count(svc.Logs(), "crashpoint: ")
				if n == seenCrashes[svc] {
					t.Errorf("violation: %s died, not at a crash point:\n%s", svc.Name, testkit.Tail(svc.Logs(), 30))
				}
				seenCrashes[svc] = n
				crashes++
				point := "?"
				if logs := svc.Logs(); n > 0 {
					point, _, _ = strings.Cut(logs[strings.LastIndex(logs, "crashpoint: ")+len("crashpoint: "):], " ")
				}
				t.Logf("chaos: %s died at crash point %s; restarting it", svc.Name, point)
				crashes += svc.StartHealthy(svc.DevAddr, 60*time.Second)
				seenCrashes[svc] = strings.Count(svc.Logs(), "crashpoint: ")
			}
		}
	}
	lag := watchLag(bus(t, s), stop)
	chaos := rand.New(rand.NewPCG(seed, 0))
	began := time.Now()
	deadline := began.Add(duration)
	// at says how far the run is, on every fault line.
	at := func() string {
		return fmt.Sprintf("[%s of %s, fault %d, %d operations]", time.Since(began).Round(time.Second), duration, faults+1, shop.ops.Load())
	}
	t.Logf("chaos: %d buyers shopping; faults start in 1s", len(buyers))
	time.Sleep(time.Second) // some traffic first
	for time.Now().Before(deadline) {
		restartCrashed()
		hold := time.Duration(300+chaos.IntN(1200)) * time.Millisecond
		switch k := chaos.IntN(10); {
		case k < 6:
			svc := services[chaos.IntN(len(services))]
			t.Logf("chaos: %s kill -9 %s for %s", at(), svc.Name, hold)
			svc.Kill()
			time.Sleep(hold)
			crashes += svc.StartHealthy(svc.DevAddr, 60*time.Second)
			seenCrashes[svc] = strings.Count(svc.Logs(), "crashpoint: ")
		case k < 7:
			t.Logf("chaos: %s restart Redis after %s", at(), hold)
			s.Redis.Stop()
			time.Sleep(hold)
			s.Redis.Start()
		case k < 8:
			t.Logf("chaos: %s kill -9 the broker (NATS), start it again after %s", at(), hold)
			s.NATS.Kill()
			time.Sleep(hold)
			s.NATS.Start()
		default:
			hold += 1500 * time.Millisecond
			t.Logf("chaos: %s cut MySQL connections for %s", at(), hold)
			mysqlCut.Stop()
			time.Sleep(hold)
			mysqlCut.Start()
		}
		faults++
		time.Sleep(time.Duration(200+chaos.IntN(400)) * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	restartCrashed()

	t.Logf("chaos: load stopped after %d faults; waiting (up to 60s) for the stack to settle, then checking the invariants", faults)
	settleStart := time.Now()
	settled := waitSettled(t, orderDB, paymentDB, bus(t, s), 60*time.Second, restartCrashed)
	t.Logf("chaos: consumer lag (events not yet acknowledged, sampled every 250 ms under load): %s; settled %s after the load stopped",
		lag(), time.Since(settleStart).Round(10*time.Millisecond))
	violations := checkInvariants(t, orderDB, paymentDB, initial, shop.seen)
	// The caches may lag MySQL by up to the staleness bound after the last commit, no longer.
	time.Sleep(staleBound)
	restartCrashed()
	compared, stale := shop.compareGatewayReads(t, orderDB, paymentDB)
	violations = append(violations, stale...)
	fmt.Printf("chaos: gateway reads %s after settling: %d orders and payments compared with MySQL, %d disagree\n", staleBound, compared, len(stale))
	for _, svc := range services {
		if strings.HasPrefix(svc.Name, "payment-rpc") {
			violations = append(violations, outboxGaugesDrained(svc.DevAddr, 15*time.Second)...)
		}
	}
	if !settled {
		violations = append(violations, "the stack did not settle within 60s (pending orders, payments, outbox rows or unacknowledged events left)")
	}
	for _, v := range violations {
		t.Errorf("violation: %s", v)
	}
	ops := shop.ops.Load()
	fmt.Printf("chaos: %d operations, %d faults, %d deaths at crash points, %d invariant violations\n", ops, faults, crashes, len(violations))
	t.Logf("chaos: %d operations (%d acknowledged orders, %d failed requests), %d faults, %d invariant violations",
		ops, len(shop.seen.orders), shop.failed.Load(), faults, len(violations))
	t.Logf("chaos: answers by status (0: none) %s", shop.answers())
	t.Logf("chaos: acknowledged %d payments, %d refunds, %d cancels; %s", len(shop.seen.paid), len(shop.seen.refunded),
		len(shop.seen.cancelled), outcomes(t, orderDB, paymentDB))
	if ops == 0 || len(shop.seen.orders) == 0 {
		t.Fatal("no purchase was acknowledged: the run proves nothing")
	}
}

// acks is what clients were told: only answers they received count.
type acks struct {
	mu        sync.Mutex
	orders    map[string]map[int64]int64 // order number -> product -> quantity
	paid      map[string]string          // payment number -> order number (sandbox pay answered 200)
	refunded  map[string]string          // payment number -> order number (refund answered 200)
	cancelled map[string]bool            // order number (cancel answered 200)
	payments  map[string]*chaosBuyer     // payment number (create answered 200) -> its buyer
	buyers    map[string]*chaosBuyer     // order number -> its buyer
}

func newAcks() *acks {
	return &acks{orders: map[string]map[int64]int64{}, paid: map[string]string{}, refunded: map[string]string{},
		cancelled: map[string]bool{}, payments: map[string]*chaosBuyer{}, buyers: map[string]*chaosBuyer{}}
}

type chaosShop struct {
	user, order, pay, sandbox string
	seen                      *acks
	ops, failed               atomic.Int64

	mu       sync.Mutex
	statuses map[int]int // answers by HTTP status, 0 for none
}

func (s *chaosShop) answered(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statuses[status]++
}

// answers lists how many answers of each status the buyers got.
func (s *chaosShop) answers() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	codes := make([]int, 0, len(s.statuses))
	for c := range s.statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%d: %d", c, s.statuses[c])
	}
	return strings.Join(parts, ", ")
}

var chaosClient = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// send makes one request and returns its status (0 when no answer came) and JSON body.
func (s *chaosShop) send(method, url, token string, body any, headers ...string) (int, map[string]any) {
	s.ops.Add(1)
	req, err := testkit.NewRequest(method, url, token, body, headers...)
	if err != nil {
		s.failed.Add(1)
		s.answered(0)
		return 0, nil
	}
	resp, err := chaosClient.Do(req)
	if err != nil {
		s.failed.Add(1)
		s.answered(0)
		return 0, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	if resp.StatusCode != http.StatusOK {
		s.failed.Add(1)
	}
	s.answered(resp.StatusCode)
	return resp.StatusCode, out
}

type chaosBuyer struct {
	shop            *chaosShop
	rnd             *rand.Rand
	email, password string
	token           string
	n               int
}

func (s *chaosShop) newBuyer(t *testing.T, i int, rnd *rand.Rand) *chaosBuyer {
	t.Helper()
	b := &chaosBuyer{shop: s, rnd: rnd, email: uniqueEmail(fmt.Sprintf("chaos%d", i)), password: "correct horse"}
	status, body := s.send(http.MethodPost, s.user+"/user/v1/register", "", map[string]any{"email": b.email, "password": b.password, "nickname": "Chaos"})
	if status != http.StatusOK {
		t.Fatalf("register buyer %d: %d %v", i, status, body)
	}
	b.token, _ = body["accessToken"].(string)
	return b
}

// call retries a request that may be repeated safely until it gets a definitive answer (2xx or
// 4xx other than 401), logging in again when the session is not recognised; it gives up after a
// few seconds and reports the last status.
func (b *chaosBuyer) call(method, url string, body any, headers ...string) (int, map[string]any) {
	var (
		status int
		out    map[string]any
	)
	for attempt := range 12 {
		status, out = b.shop.send(method, url, b.token, body, headers...)
		switch {
		case status == http.StatusUnauthorized:
			b.login()
		case status >= 200 && status < 500:
			return status, out
		}
		time.Sleep(time.Duration(100+50*attempt) * time.Millisecond)
	}
	return status, out
}

func (b *chaosBuyer) login() {
	status, body := b.shop.send(http.MethodPost, b.shop.user+"/user/v1/login", "", map[string]any{"email": b.email, "password": b.password})
	if status == http.StatusOK {
		b.token, _ = body["accessToken"].(string)
	}
}

// visit is one whole visit: an order, then (mostly) its payment, and sometimes a cancel, a refund,
// a payment made too late or an order left to auto-cancel.
func (b *chaosBuyer) visit() {
	b.n++
	lines := map[int64]int64{}
	for range 1 + b.rnd.IntN(2) {
		lines[int64(1+b.rnd.IntN(6))] += int64(1 + b.rnd.IntN(2))
	}
	items := make([]map[string]any, 0, len(lines))
	for p, q := range lines {
		items = append(items, map[string]any{"productId": p, "quantity": q})
	}
	key := fmt.Sprintf("visit-%d", b.n)
	status, o := b.call(http.MethodPost, b.shop.order+"/order/v1/orders", map[string]any{"items": items}, "Idempotency-Key", key)
	if status != http.StatusOK {
		return // out of stock, or the stack was away for too long: nothing was promised
	}
	orderSn, _ := o["sn"].(string)
	b.shop.seen.mu.Lock()
	b.shop.seen.orders[orderSn] = lines
	b.shop.seen.buyers[orderSn] = b
	b.shop.seen.mu.Unlock()
	b.call(http.MethodGet, b.shop.order+"/order/v1/orders/"+orderSn, nil) // the order page: now cached

	switch k := b.rnd.IntN(20); {
	case k < 3: // changes their mind
		if status, _ := b.call(http.MethodPost, b.shop.order+"/order/v1/orders/"+orderSn+"/cancel", nil); status == http.StatusOK {
			b.shop.seen.mu.Lock()
			b.shop.seen.cancelled[orderSn] = true
			b.shop.seen.mu.Unlock()
		}
		return
	case k < 5: // walks away: auto-cancel
		return
	}
	status, p := b.call(http.MethodPost, b.shop.pay+"/payment/v1/payments", map[string]any{"orderSn": orderSn})
	if status != http.StatusOK {
		return
	}
	paymentSn, _ := p["sn"].(string)
	b.shop.seen.mu.Lock()
	b.shop.seen.payments[paymentSn] = b
	b.shop.seen.mu.Unlock()
	switch k := b.rnd.IntN(20); {
	case k < 1: // pays after the payment expired: the money is refunded
		time.Sleep(7 * time.Second)
	case k < 3: // cancels while paying
		go b.shop.send(http.MethodPost, b.shop.order+"/order/v1/orders/"+orderSn+"/cancel", b.token, nil)
	}
	status, _ = b.call(http.MethodPost, b.shop.sandbox+"/sandbox/pay/"+paymentSn, nil)
	if status != http.StatusOK {
		return
	}
	b.shop.seen.mu.Lock()
	b.shop.seen.paid[paymentSn] = orderSn
	b.shop.seen.mu.Unlock()
	if b.rnd.IntN(4) == 0 {
		if status, _ := b.call(http.MethodPost, b.shop.pay+"/payment/v1/payments/"+paymentSn+"/refund", nil); status == http.StatusOK {
			b.shop.seen.mu.Lock()
			b.shop.seen.refunded[paymentSn] = orderSn
			b.shop.seen.mu.Unlock()
		}
	}
}

func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func productStocks(t *testing.T, db *sql.DB) map[int64]int64 {
	t.Helper()
	rows, err := db.Query("SELECT id, stock FROM products")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, stock int64
		if err := rows.Scan(&id, &stock); err != nil {
			t.Fatal(err)
		}
		out[id] = stock
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// waitSettled waits until nothing is in flight: no pending order (auto-cancel ends those that are
// not held), no pending payment (expiry ends those) and no undelivered outbox message.
func waitSettled(t *testing.T, orderDB, paymentDB *sql.DB, b *events.Bus, timeout time.Duration, restartCrashed func()) bool {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		restartCrashed() // the relays and expiry workers still hit crash points
		var orders, payments, outbox, orderOutbox int
		err1 := orderDB.QueryRow("SELECT COUNT(*) FROM orders WHERE status = 'pending'").Scan(&orders)
		err2 := paymentDB.QueryRow("SELECT COUNT(*) FROM payments WHERE status = 'pending'").Scan(&payments)
		err3 := paymentDB.QueryRow("SELECT COUNT(*) FROM outbox WHERE status <> 'delivered'").Scan(&outbox)
		err4 := orderDB.QueryRow("SELECT COUNT(*) FROM outbox WHERE status <> 'delivered'").Scan(&orderOutbox)
		if err1 == nil && err2 == nil && err3 == nil && err4 == nil && orders+payments+outbox+orderOutbox == 0 && consumersCaughtUp(b) {
			return true
		}
		time.Sleep(250 * time.Millisecond)
	}
	return false
}

// watchLag samples the lag of order-rpc's and payment-rpc's consumers every 250 ms until stop is
// closed; the returned func says the largest and the mean of each.
func watchLag(b *events.Bus, stop <-chan struct{}) func() string {
	consumers := map[string]string{"order-rpc-payments": events.Payments.Name, "payment-rpc-orders": events.Orders.Name, "order-rpc-sales": events.Orders.Name}
	var mu sync.Mutex
	peak, sum, samples := map[string]uint64{}, map[string]uint64{}, 0
	go func() {
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			mu.Lock()
			samples++
			for name, stream := range consumers {
				c, err := b.JetStream().Consumer(ctx, stream, name)
				if err != nil {
					continue
				}
				info, err := c.Info(ctx)
				if err != nil {
					continue
				}
				n := events.Lag(info)
				peak[name], sum[name] = max(peak[name], n), sum[name]+n
			}
			mu.Unlock()
			cancel()
		}
	}()
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		var parts []string
		for _, name := range []string{"order-rpc-payments", "payment-rpc-orders", "order-rpc-sales"} {
			parts = append(parts, fmt.Sprintf("%s max %d mean %.1f", name, peak[name], float64(sum[name])/float64(max(samples, 1))))
		}
		return strings.Join(parts, ", ")
	}
}

// consumersCaughtUp reports whether order-rpc's and payment-rpc's consumers have acknowledged
// every event of their streams.
func consumersCaughtUp(b *events.Bus) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for stream, name := range map[string]string{events.Payments.Name: "order-rpc-payments", events.Orders.Name: "payment-rpc-orders"} {
		c, err := b.JetStream().Consumer(ctx, stream, name)
		if err != nil {
			return false
		}
		info, err := c.Info(ctx)
		if err != nil || events.Lag(info) > 0 {
			return false
		}
	}
	return true
}

// checkInvariants reads both databases and returns every broken invariant, one line each.
func checkInvariants(t *testing.T, orderDB, paymentDB *sql.DB, initial map[int64]int64, seen *acks) []string {
	t.Helper()
	var bad []string
	report := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }

	type orderRow struct {
		status string
		items  map[int64]int64
	}
	orders := map[string]*orderRow{}
	rows := query(t, orderDB, "SELECT o.sn, o.status, i.product_id, i.quantity FROM orders o JOIN order_items i ON i.order_id = o.id")
	for rows.Next() {
		var sn, status string
		var product, qty int64
		if err := rows.Scan(&sn, &status, &product, &qty); err != nil {
			t.Fatal(err)
		}
		if orders[sn] == nil {
			orders[sn] = &orderRow{status: status, items: map[int64]int64{}}
		}
		orders[sn].items[product] += qty
	}
	closeRows(t, rows)

	// Stock: what was there = what is left + what open (pending or paid) orders hold.
	held := map[int64]int64{}
	for _, o := range orders {
		if o.status == "pending" || o.status == "paid" {
			for p, q := range o.items {
				held[p] += q
			}
		}
	}
	now := productStocks(t, orderDB)
	for p, was := range initial {
		if now[p]+held[p] != was {
			report("product %d: initial stock %d, now %d + %d in open orders", p, was, now[p], held[p])
		}
	}
	// ...and every change of it is in the stock ledger.
	bad = append(bad, ledgerMismatches(t, orderDB)...)

	type paymentRow struct{ orderSn, status string }
	payments := map[string]paymentRow{}
	byOrder := map[string]string{} // order number -> payment status
	rows = query(t, paymentDB, "SELECT sn, order_sn, status FROM payments")
	for rows.Next() {
		var sn string
		var p paymentRow
		if err := rows.Scan(&sn, &p.orderSn, &p.status); err != nil {
			t.Fatal(err)
		}
		payments[sn] = p
		byOrder[p.orderSn] = p.status
	}
	closeRows(t, rows)

	for sn, p := range payments {
		o := orders[p.orderSn]
		switch {
		case o == nil:
			report("payment %s is for order %s, which does not exist", sn, p.orderSn)
		case p.status == "succeeded" && o.status != "paid":
			report("payment %s succeeded but its order %s is %s", sn, p.orderSn, o.status)
		case p.status == "refunded" && o.status != "refunded" && o.status != "cancelled":
			report("payment %s refunded but its order %s is %s", sn, p.orderSn, o.status)
		case p.status == "pending":
			report("payment %s is still pending", sn)
		}
	}
	for sn, o := range orders {
		pay := byOrder[sn]
		switch {
		case o.status == "paid" && pay != "succeeded":
			report("order %s is paid but its payment is %q", sn, pay)
		case o.status == "refunded" && pay != "refunded":
			report("order %s is refunded but its payment is %q", sn, pay)
		case o.status == "cancelled" && (pay == "succeeded" || pay == "pending"):
			report("order %s is cancelled but its payment is %s: money kept for nothing", sn, pay)
		case o.status == "pending":
			report("order %s is still pending", sn)
		}
	}

	var undelivered int
	if err := paymentDB.QueryRow("SELECT COUNT(*) FROM outbox WHERE status <> 'delivered'").Scan(&undelivered); err != nil {
		t.Fatal(err)
	}
	if undelivered > 0 {
		report("%d outbox messages pending or parked", undelivered)
	}

	seen.mu.Lock()
	defer seen.mu.Unlock()
	for sn, want := range seen.orders {
		o := orders[sn]
		switch {
		case o == nil:
			report("acknowledged order %s does not exist", sn)
		case !sameLines(o.items, want):
			report("acknowledged order %s has lines %v, the client was told %v", sn, o.items, want)
		}
	}
	for sn := range seen.cancelled {
		if o := orders[sn]; o == nil || o.status != "cancelled" {
			report("acknowledged cancel of order %s, which is %v", sn, o)
		}
	}
	for sn, orderSn := range seen.paid {
		if p := payments[sn]; p.status != "succeeded" && p.status != "refunded" {
			report("acknowledged payment %s of order %s is %q", sn, orderSn, p.status)
		}
	}
	for sn, orderSn := range seen.refunded {
		if p := payments[sn]; p.status != "refunded" {
			report("acknowledged refund of payment %s (order %s) is %q", sn, orderSn, p.status)
		}
	}
	slices.Sort(bad)
	return bad
}

// compareGatewayReads reads every acknowledged order and payment through the gateways, as its
// buyer, and returns how many it compared and one line for each whose status differs from MySQL's.
func (s *chaosShop) compareGatewayReads(t *testing.T, orderDB, paymentDB *sql.DB) (int, []string) {
	t.Helper()
	s.seen.mu.Lock()
	defer s.seen.mu.Unlock()
	var bad []string
	compare := func(kind, sn, url string, b *chaosBuyer, db *sql.DB, table string) {
		var want string
		if err := db.QueryRow("SELECT status FROM "+table+" WHERE sn = ?", sn).Scan(&want); err != nil {
			bad = append(bad, fmt.Sprintf("%s %s: read MySQL: %v", kind, sn, err))
			return
		}
		status, body := b.call(http.MethodGet, url, nil)
		if got, _ := body["status"].(string); status != http.StatusOK || got != want {
			bad = append(bad, fmt.Sprintf("%s %s reads %d %q through the gateway, MySQL has %q", kind, sn, status, got, want))
		}
	}
	for sn, b := range s.seen.buyers {
		compare("order", sn, s.order+"/order/v1/orders/"+sn, b, orderDB, "orders")
	}
	for sn, b := range s.seen.payments {
		compare("payment", sn, s.pay+"/payment/v1/payments/"+sn, b, paymentDB, "payments")
	}
	return len(s.seen.buyers) + len(s.seen.payments), bad
}

func sameLines(a, b map[int64]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func query(t *testing.T, db *sql.DB, q string) *sql.Rows {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", strings.Fields(q)[0], err)
	}
	return rows
}

func closeRows(t *testing.T, rows *sql.Rows) {
	t.Helper()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
}

// outboxGaugesDrained waits until a payment-rpc's /metrics reports an empty outbox, as the
// dashboard would see it, and returns what is wrong if it never does.
func outboxGaugesDrained(devAddr string, timeout time.Duration) []string {
	want := []string{"zeromall_outbox_pending 0", "zeromall_outbox_parked 0", "zeromall_outbox_oldest_pending_seconds 0",
		`zeromall_outbox_events_total{event="delivered"}`, `zeromall_outbox_events_total{event="retried"}`, `zeromall_outbox_events_total{event="parked"}`}
	var missing []string
	for deadline := time.Now().Add(timeout); ; time.Sleep(500 * time.Millisecond) {
		missing = missing[:0]
		resp, err := chaosClient.Get("http://" + devAddr + "/metrics")
		if err == nil {
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			lines := strings.Split(string(raw), "\n")
			for _, w := range want {
				if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, w) }) {
					missing = append(missing, w)
				}
			}
		} else {
			missing = append(missing, err.Error())
		}
		if len(missing) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return []string{fmt.Sprintf("payment-rpc at %s: /metrics lacks %v after the drain", devAddr, missing)}
		}
	}
}

// outcomes summarises how orders and payments ended, to show which paths a run went through.
func outcomes(t *testing.T, orderDB, paymentDB *sql.DB) string {
	t.Helper()
	count := func(db *sql.DB, q string) string {
		rows := query(t, db, q)
		var parts []string
		for rows.Next() {
			var what string
			var n int
			if err := rows.Scan(&what, &n); err != nil {
				t.Fatal(err)
			}
			parts = append(parts, fmt.Sprintf("%s %d", what, n))
		}
		closeRows(t, rows)
		return strings.Join(parts, ", ")
	}
	return "orders: " + count(orderDB, "SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status") +
		"; payments: " + count(paymentDB, "SELECT IF(note = '', status, CONCAT(status, ' (', note, ')')), COUNT(*) FROM payments GROUP BY 1 ORDER BY 1")
}
