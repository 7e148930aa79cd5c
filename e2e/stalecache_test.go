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
	relay := map[string]string{"PAYMENT_RELAY_INTERVAL": "300ms", "PAYMENT_RELAY_MAX_BACKOFF": "1s"}
	payments := []*testkit.Service{s.StartRPC("payment", with(relay)), s.StartRPC("payment", with(relay))}
	all := append(append(append([]*testkit.Service{}, users...), orders...), payments...)
	userAPI, orderAPI := s.StartAPI("user", nil), s.StartAPI("order", nil)
	e := &orderEnv{users: &userEnv{stack: s, base: userAPI.URL}, stack: s, base: orderAPI.URL, api: orderAPI, rpc: orders[0]}
	p := startPaymentServices(t, e, nil)
	admin := e.admin(t)

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

	t.Run("OrderPaid", func(t *testing.T) {
		buyer, sn, pay := p.purchase(t, productSticker)
		if got, _ := orderRead(buyer.Token, sn)(); got != "pending" {
			t.Fatalf("order reads %q before the payment", got)
		}
		if r := p.sandboxPay(t, buyer.Token, pay.str("sn")); r.Status != http.StatusOK {
			t.Fatalf("pay: %d %s", r.Status, r.Raw)
		}
		report("order paid", staleFor(t, freshness{"order status", orderRead(buyer.Token, sn), "paid", orders})...)
	})

	t.Run("OrderCancelled", func(t *testing.T) {
		buyer := e.buyer(t)
		o := e.order(t, buyer.Token, [2]int{productSticker, 1})
		if got, _ := orderRead(buyer.Token, o.str("sn"))(); got != "pending" {
			t.Fatalf("order reads %q before the cancel", got)
		}
		// The answer is lost with the instance; the cancel is committed.
		req, _ := testkit.NewRequest(http.MethodPost, e.base+"/order/v1/orders/"+o.str("sn")+"/cancel", buyer.Token, nil)
		_, _ = do(req)
		report("order cancelled", staleFor(t, freshness{"order status", orderRead(buyer.Token, o.str("sn")), "cancelled", orders})...)
	})

	t.Run("Refund", func(t *testing.T) {
		buyer, sn, pay := p.purchase(t, productSticker)
		paySn := pay.str("sn")
		if r := p.sandboxPay(t, buyer.Token, paySn); r.Status != http.StatusOK {
			t.Fatalf("pay: %d %s", r.Status, r.Raw)
		}
		paymentRead := readField(p.pay+"/payment/v1/payments/"+paySn, buyer.Token, "status")
		testkit.Eventually(t, 20*time.Second, "the order and the payment read as paid", func() bool {
			o, _ := orderRead(buyer.Token, sn)()
			pm, _ := paymentRead()
			return o == "paid" && pm == "succeeded"
		})
		restartDead(t, all) // order.paid is armed too
		req, _ := testkit.NewRequest(http.MethodPost, p.pay+"/payment/v1/payments/"+paySn+"/refund", buyer.Token, nil)
		_, _ = do(req)
		report("refund (payment, order)", staleFor(t,
			freshness{"payment status", paymentRead, "refunded", payments},
			freshness{"order status", orderRead(buyer.Token, sn), "refunded", orders})...)
	})

	t.Run("ProfileUpdate", func(t *testing.T) {
		buyer := e.buyer(t)
		me := readField(userAPI.URL+"/user/v1/me", buyer.Token, "nickname")
		before, _ := me()
		req, _ := testkit.NewRequest(http.MethodPut, userAPI.URL+"/user/v1/me", buyer.Token, map[string]any{"nickname": "After the crash"})
		_, _ = do(req)
		if before == "After the crash" {
			t.Fatal("the nickname was already the new one")
		}
		report("profile update", staleFor(t, freshness{"nickname", me, "After the crash", users})...)
	})

	created := call(t, http.MethodPost, e.base+"/order/v1/admin/products", admin.Token,
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
			if got, _ := read(); got != before {
				t.Fatalf("%s %s reads %q before the change, want %q", what, field, got, before)
			}
		}
		req, _ := testkit.NewRequest(method, e.base+path, admin.Token, body)
		_, _ = do(req)
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
