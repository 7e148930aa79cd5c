package e2e

// Crash between commit and cache delete (doc/architecture.md, "Cache freshness"): every rpc runs
// twice, both instances armed to SIGKILL themselves right after the commit of the write under
// test and before its cache delete (pkg/crashpoint; the test binaries have the crash points
// compiled in). The cached row was read just before, so Redis holds the old state; the surviving
// instance must serve the committed state through the gateway within the bound.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zeromall/pkg/crashpoint"
	"zeromall/pkg/testkit"
)

// staleBound is how long after a crash a gateway may still serve what the commit changed.
const staleBound = 5 * time.Second

// freshness is one thing a client reads that a write changed: read returns its current value
// through a gateway (ok false when the request failed), want is the committed value, and writers
// are the instances one of which dies after the commit.
type freshness struct {
	what    string
	read    func() (string, bool)
	want    string
	writers []*testkit.Service
}

// staleFor waits for a writer of each check to die, then reads until every check shows its
// committed value, and returns for each check how long after its writer's death that took. A
// stale answer after a fresh one, or no fresh answer within staleBound, fails the test.
func staleFor(t *testing.T, checks ...freshness) []time.Duration {
	t.Helper()
	died := make([]time.Time, len(checks))
	fresh := make([]time.Duration, len(checks))
	last := make([]string, len(checks)) // the last value read, for the failure message
	deadline := time.Now().Add(30 * time.Second)
	for {
		now := time.Now()
		done := true
		for i, c := range checks {
			if died[i].IsZero() {
				for _, w := range c.writers {
					if w.Exited() {
						died[i] = now
					}
				}
				if died[i].IsZero() {
					done = false
					if now.After(deadline) {
						t.Fatalf("%s: no writer died at its crash point within 30s", c.what)
					}
					continue
				}
			}
			got, ok := c.read()
			if ok {
				last[i] = got
			}
			switch {
			case !ok:
			case got == c.want && fresh[i] == 0:
				fresh[i] = max(time.Since(died[i]), time.Millisecond)
			case got != c.want && fresh[i] != 0:
				t.Fatalf("%s: %q again after %q was served", c.what, got, c.want)
			}
			if fresh[i] == 0 {
				done = false
				if since := time.Since(died[i]); since > staleBound {
					t.Fatalf("%s: still %q (committed: %q) %s after the writer died, bound %s", c.what, last[i], c.want, since.Round(time.Millisecond), staleBound)
				}
			}
		}
		if done {
			return fresh
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// restartDead starts again every instance that died at its crash point.
func restartDead(t *testing.T, services []*testkit.Service) {
	t.Helper()
	for _, s := range services {
		if s.Exited() {
			if !strings.Contains(s.Logs(), "crashpoint: ") {
				t.Fatalf("%s died, but not at a crash point:\n%s", s.Name, testkit.Tail(s.Logs(), 30))
			}
			s.Start()
			s.WaitHealthy(s.DevAddr, 60*time.Second)
		}
	}
}

// retried sends a request until it is answered below 500 (after a crash and restart, breakers
// and connections recover for a moment, as they do for any client), for up to 20 s.
func retried(t *testing.T, method, url, token string, body any, headers ...string) response {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		req, err := testkit.NewRequest(method, url, token, body, headers...)
		if err != nil {
			t.Fatal(err)
		}
		r, err := do(req)
		if err == nil && r.Status < http.StatusInternalServerError {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s %s: %d %s %v, after 20s of retries", method, url, r.Status, r.Raw, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// readNow reads until the read is answered, for up to 20 s, and returns the value.
func readNow(t *testing.T, read func() (string, bool)) string {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if v, ok := read(); ok {
			return v
		}
	}
	t.Fatal("no answer to a read within 20s")
	return ""
}

// crashWith sends the write under test until one of writers dies at its crash point. An answer of
// 500 or more (or none) with every writer alive is retried: the request did not get as far as a
// commit. A lower answer means the write ran without reaching its crash point, which fails.
func crashWith(t *testing.T, writers []*testkit.Service, method, url, token string, body any) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		req, err := testkit.NewRequest(method, url, token, body)
		if err != nil {
			t.Fatal(err)
		}
		r, err := do(req)
		// The answer to a request whose handler died comes as the connection drops, a moment
		// before the process is reaped.
		for wait := time.Now().Add(time.Second); time.Now().Before(wait); time.Sleep(5 * time.Millisecond) {
			for _, w := range writers {
				if w.Exited() {
					return
				}
			}
		}
		if err == nil && r.Status < http.StatusInternalServerError {
			t.Fatalf("%s %s answered %d %s and no writer died at its crash point", method, url, r.Status, r.Raw)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s %s: no writer died at its crash point within 20s (last answer %d %v)", method, url, r.Status, err)
		}
	}
}

// readField reads url with token and returns one field of its JSON answer.
func readField(url, token, field string) func() (string, bool) {
	return func() (string, bool) {
		req, err := testkit.NewRequest(http.MethodGet, url, token, nil)
		if err != nil {
			return "", false
		}
		var r response
		if r, err = do(req); err != nil || r.Status != http.StatusOK {
			return "", false
		}
		return fmt.Sprint(r.JSON[field]), true
	}
}

// readListed reads a catalogue page and returns one field of product id on it.
func readListed(url string, id int, field string) func() (string, bool) {
	return func() (string, bool) {
		req, err := testkit.NewRequest(http.MethodGet, url, "", nil)
		if err != nil {
			return "", false
		}
		r, err := do(req)
		if err != nil || r.Status != http.StatusOK {
			return "", false
		}
		list, _ := r.JSON["items"].([]any)
		for _, item := range list {
			if p, _ := item.(map[string]any); p != nil && p["id"] == float64(id) {
				return fmt.Sprint(p[field]), true
			}
		}
		return "absent", true
	}
}

func TestStaleCache_WriterKilledBetweenCommitAndDelete(t *testing.T) {
	armed := map[string]string{crashpoint.EnvVar: strings.Join([]string{
		"order.paid", "order.cancelled", "order.refunded", "product.updated", "product.stock",
		"user.profile", "payment.refunded",
	}, ",")}
	with := func(extra map[string]string) map[string]string {
		env := map[string]string{}
		for _, m := range []map[string]string{armed, extra} {
			for k, v := range m {
				env[k] = v
			}
		}
		return env
	}
	s := testkit.NewStack(t)
	users := []*testkit.Service{
		s.StartRPC("user", with(map[string]string{"LOGIN_LIMIT_IP": "100000"})),
		s.StartRPC("user", with(map[string]string{"LOGIN_LIMIT_IP": "100000"})),
	}
	orders := []*testkit.Service{s.StartRPC("order", with(nil)), s.StartRPC("order", with(nil))}
	relay := map[string]string{"EVENTS_RELAY_INTERVAL": "300ms", "EVENTS_RELAY_MAX_BACKOFF": "1s"}
	payments := []*testkit.Service{s.StartRPC("payment", with(relay)), s.StartRPC("payment", with(relay))}
	all := append(append(append([]*testkit.Service{}, users...), orders...), payments...)
	userAPI, orderAPI := s.StartAPI("user", nil), s.StartAPI("order", nil)
	e := &orderEnv{users: &userEnv{stack: s, base: userAPI.URL}, stack: s, base: orderAPI.URL, api: orderAPI, rpc: orders[0]}
	payAPI, sandbox := s.StartPaymentAPI(nil)
	// Accounts first: once instances start dying, every step may meet a breaker or a connection
	// that is still recovering, and retries (retried, readNow).
	admin := e.admin(t)
	buyers := map[string]account{}
	for _, c := range []string{"paid", "cancelled", "refund", "profile"} {
		buyers[c] = e.buyer(t)
	}

	report := func(name string, stale ...time.Duration) {
		parts := make([]string, len(stale))
		for i, d := range stale {
			parts[i] = d.Round(time.Millisecond).String()
		}
		t.Logf("FIGURE stale after SIGKILL between commit and delete, %s: %s (bound %s)", name, strings.Join(parts, ", "), staleBound)
		restartDead(t, all)
	}
	orderRead := func(token, sn string) func() (string, bool) {
		return readField(e.base+"/order/v1/orders/"+sn, token, "status")
	}
	// order places an order of one sticker and returns its number.
	order := func(t *testing.T, buyer account) string {
		o := retried(t, http.MethodPost, e.base+"/order/v1/orders", buyer.Token,
			map[string]any{"items": []map[string]any{{"productId": productSticker, "quantity": 1}}}, "Idempotency-Key", fmt.Sprintf("crash-%d", time.Now().UnixNano()))
		if o.Status != http.StatusOK {
			t.Fatalf("order: %d %s", o.Status, o.Raw)
		}
		return o.str("sn")
	}
	// pay opens the payment of order sn and pays it at the sandbox; it returns the payment number.
	pay := func(t *testing.T, buyer account, sn string) string {
		pm := retried(t, http.MethodPost, payAPI.URL+"/payment/v1/payments", buyer.Token, map[string]any{"orderSn": sn})
		if pm.Status != http.StatusOK {
			t.Fatalf("create payment: %d %s", pm.Status, pm.Raw)
		}
		if r := retried(t, http.MethodPost, sandbox.URL+"/sandbox/pay/"+pm.str("sn"), buyer.Token, nil); r.Status != http.StatusOK {
			t.Fatalf("pay: %d %s", r.Status, r.Raw)
		}
		return pm.str("sn")
	}

	t.Run("OrderPaid", func(t *testing.T) {
		buyer := buyers["paid"]
		sn := order(t, buyer)
		if got := readNow(t, orderRead(buyer.Token, sn)); got != "pending" {
			t.Fatalf("order reads %q before the payment", got)
		}
		pay(t, buyer, sn) // order-rpc hears of it from the relay, commits, dies
		report("order paid", staleFor(t, freshness{"order status", orderRead(buyer.Token, sn), "paid", orders})...)
	})

	t.Run("OrderCancelled", func(t *testing.T) {
		buyer := buyers["cancelled"]
		sn := order(t, buyer)
		if got := readNow(t, orderRead(buyer.Token, sn)); got != "pending" {
			t.Fatalf("order reads %q before the cancel", got)
		}
		crashWith(t, orders, http.MethodPost, e.base+"/order/v1/orders/"+sn+"/cancel", buyer.Token, nil)
		report("order cancelled", staleFor(t, freshness{"order status", orderRead(buyer.Token, sn), "cancelled", orders})...)
	})

	t.Run("Refund", func(t *testing.T) {
		buyer := buyers["refund"]
		sn := order(t, buyer)
		paySn := pay(t, buyer, sn)
		paymentRead := readField(payAPI.URL+"/payment/v1/payments/"+paySn, buyer.Token, "status")
		testkit.Eventually(t, 20*time.Second, "the order and the payment read as paid", func() bool {
			o, _ := orderRead(buyer.Token, sn)()
			pm, _ := paymentRead()
			return o == "paid" && pm == "succeeded"
		})
		restartDead(t, all) // order.paid is armed too
		crashWith(t, payments, http.MethodPost, payAPI.URL+"/payment/v1/payments/"+paySn+"/refund", buyer.Token, nil)
		report("refund (payment, order)", staleFor(t,
			freshness{"payment status", paymentRead, "refunded", payments},
			freshness{"order status", orderRead(buyer.Token, sn), "refunded", orders})...)
	})

	t.Run("ProfileUpdate", func(t *testing.T) {
		buyer := buyers["profile"]
		me := readField(userAPI.URL+"/user/v1/me", buyer.Token, "nickname")
		if before := readNow(t, me); before == "After the crash" {
			t.Fatal("the nickname was already the new one")
		}
		crashWith(t, users, http.MethodPut, userAPI.URL+"/user/v1/me", buyer.Token, map[string]any{"nickname": "After the crash"})
		report("profile update", staleFor(t, freshness{"nickname", me, "After the crash", users})...)
	})

	created := retried(t, http.MethodPost, e.base+"/order/v1/admin/products", admin.Token,
		map[string]any{"title": "Crash-safe mug", "price": 1500, "stock": 10})
	if created.Status != http.StatusOK {
		t.Fatalf("create product: %d %s", created.Status, created.Raw)
	}
	id := int(created.JSON["id"].(float64))
	productURL := fmt.Sprintf("%s/order/v1/products/%d", e.base, id)
	page := e.base + "/order/v1/products?limit=100"

	// changeProduct reads field of the product and of its catalogue line (so both are cached),
	// sends the admin's change and measures how long both go on showing before.
	changeProduct := func(t *testing.T, name, field, before, after, method, path string, body any) {
		product, line := readField(productURL, "", field), readListed(page, id, field)
		for what, read := range map[string]func() (string, bool){"product": product, "catalogue line": line} {
			if got := readNow(t, read); got != before {
				t.Fatalf("%s %s reads %q before the change, want %q", what, field, got, before)
			}
		}
		crashWith(t, orders, method, e.base+path, admin.Token, body)
		report(name, staleFor(t,
			freshness{"product " + field, product, after, orders},
			freshness{"catalogue " + field, line, after, orders})...)
	}
	edit := fmt.Sprintf("/order/v1/admin/products/%d", id)
	t.Run("ProductEdit", func(t *testing.T) {
		changeProduct(t, "product edit (product, catalogue page)", "title", "Crash-safe mug", "Renamed mug",
			http.MethodPut, edit, map[string]any{"title": "Renamed mug"})
	})
	t.Run("StockAdjustment", func(t *testing.T) {
		changeProduct(t, "stock adjustment (product, catalogue page)", "stock", "10", "15",
			http.MethodPost, edit+"/stock", map[string]any{"delta": 5, "reason": "crash test"})
	})
}
