package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"zeromall/pkg/events"
	"zeromall/pkg/testkit"
)

// Seeded catalogue (apps/order/model/migrations/0002_seed_catalogue.sql).
const (
	productTee     = 1 // 1999 cents, stock 500
	productMug     = 2 // 1250 cents, stock 200
	productSticker = 3 // 399 cents, stock 5000
	productHoodie  = 4 // 4999 cents, stock 50
	productBook    = 5 // 3900 cents, stock 20
	productHat     = 6 // 2500 cents, stock 5
)

// orderEnv is a stack with user-rpc, user-api, order-rpc and order-api.
type orderEnv struct {
	users *userEnv
	stack *testkit.Stack
	base  string // order-api
	api   *testkit.Service
	rpc   *testkit.Service
}

func startOrderStack(t *testing.T, orderRPCEnv map[string]string) *orderEnv {
	return startOrderServices(testkit.NewStack(t), map[string]string{"LOGIN_LIMIT_IP": "100000"}, orderRPCEnv)
}

// startOrderServices starts user-rpc, order-rpc and both gateways on an existing stack.
func startOrderServices(s *testkit.Stack, userRPCEnv, orderRPCEnv map[string]string) *orderEnv {
	s.StartRPC("user", userRPCEnv)
	orderRPC := s.StartRPC("order", orderRPCEnv)
	users := &userEnv{stack: s, base: s.StartAPI("user", nil).URL}
	api := s.StartAPI("order", nil)
	return &orderEnv{users: users, stack: s, base: api.URL, api: api, rpc: orderRPC}
}

func (e *orderEnv) db(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", e.stack.DSN("order"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func (e *orderEnv) stock(t *testing.T, productID int) int {
	t.Helper()
	var n int
	if err := e.db(t).QueryRow("SELECT stock FROM products WHERE id = ?", productID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *orderEnv) countOrders(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.db(t).QueryRow("SELECT COUNT(*) FROM orders").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *orderEnv) buyer(t *testing.T) account {
	t.Helper()
	a := e.users.register(t, e.users.base, "buyer")
	login := call(t, http.MethodPost, e.users.base+"/user/v1/login", "", map[string]any{"email": a.Email, "password": a.Password})
	if login.Status != http.StatusOK {
		t.Fatalf("login: %d %s", login.Status, login.Raw)
	}
	a.Token = e.users.keepToken(login.str("accessToken"))
	a.Refresh = e.users.keepToken(login.str("refreshToken"))
	return a
}

func (e *orderEnv) order(t *testing.T, token string, items ...[2]int) response {
	t.Helper()
	lines := make([]map[string]any, len(items))
	for i, it := range items {
		lines[i] = map[string]any{"productId": it[0], "quantity": it[1]}
	}
	return call(t, http.MethodPost, e.base+"/order/v1/orders", token, map[string]any{"items": lines})
}

func TestOrderGateway(t *testing.T) {
	// 50 buyers wait on one stock row at once; the stack runs in test mode, where admission lanes
	// are off, so this measures overselling, not shedding.
	e := startOrderStack(t, nil)
	t.Run("CatalogueIsPublic", e.catalogueIsPublic)
	t.Run("BuyReadListCancel", e.buyReadListCancel)
	t.Run("OrdersAreOwnerOnly", e.ordersAreOwnerOnly)
	t.Run("BadInputIsRejectedAndWritesNothing", e.badInputIsRejectedAndWritesNothing)
	t.Run("ConcurrentBuyersNeverOversell", e.concurrentBuyersNeverOversell)
	t.Run("IdempotencyKeyReturnsTheSameOrder", e.idempotencyKeyReturnsTheSameOrder)
	t.Run("CancelVersusPaymentExactlyOneWins", e.cancelVersusPaymentExactlyOneWins)
}

func (e *orderEnv) catalogueIsPublic(t *testing.T) {
	r := call(t, http.MethodGet, e.base+"/order/v1/products", "", nil)
	items, _ := r.JSON["items"].([]any)
	if r.Status != 200 || len(items) != 6 {
		t.Fatalf("products: %d %s", r.Status, r.Raw)
	}
	var bigStock bool
	for _, it := range items {
		p := it.(map[string]any)
		if p["title"] == "" || p["price"].(float64) <= 0 {
			t.Errorf("product %v", p)
		}
		bigStock = bigStock || p["stock"].(float64) >= 500
	}
	if !bigStock {
		t.Error("no product with stock >= 500")
	}
}

func (e *orderEnv) buyReadListCancel(t *testing.T) {
	a := e.buyer(t)
	mugs := e.stock(t, productMug)
	// Any price the client sends is ignored: the catalogue prices the order.
	r := call(t, http.MethodPost, e.base+"/order/v1/orders", a.Token, map[string]any{
		"items": []map[string]any{{"productId": productMug, "quantity": 3, "price": 1}, {"productId": productTee, "quantity": 1}},
	})
	if r.Status != 200 || r.str("status") != "pending" || r.JSON["totalAmount"].(float64) != 3*1250+1999 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	sn := r.str("sn")
	if len(sn) != 24 || r.JSON["userId"].(float64) != float64(a.ID) || r.str("createdAt") == "" {
		t.Fatalf("order %s", r.Raw)
	}
	if _, ok := r.JSON["paidAt"]; ok {
		t.Errorf("unpaid order has paidAt: %s", r.Raw)
	}
	if got := e.stock(t, productMug); got != mugs-3 {
		t.Fatalf("mug stock %d, want %d", got, mugs-3)
	}

	got := call(t, http.MethodGet, e.base+"/order/v1/orders/"+sn, a.Token, nil)
	if got.Status != 200 || got.str("sn") != sn || len(got.JSON["items"].([]any)) != 2 {
		t.Fatalf("get: %d %s", got.Status, got.Raw)
	}
	list := call(t, http.MethodGet, e.base+"/order/v1/orders?page=1&pageSize=10", a.Token, nil)
	if list.Status != 200 || list.JSON["total"].(float64) != 1 || list.JSON["items"].([]any)[0].(map[string]any)["sn"] != sn {
		t.Fatalf("list: %d %s", list.Status, list.Raw)
	}

	c := call(t, http.MethodPost, e.base+"/order/v1/orders/"+sn+"/cancel", a.Token, nil)
	if c.Status != 200 || c.str("status") != "cancelled" {
		t.Fatalf("cancel: %d %s", c.Status, c.Raw)
	}
	if got := e.stock(t, productMug); got != mugs {
		t.Fatalf("mug stock %d after cancel, want %d", got, mugs)
	}
	expectError(t, call(t, http.MethodPost, e.base+"/order/v1/orders/"+sn+"/cancel", a.Token, nil), 409, 3004, "already cancelled")
	if got := e.stock(t, productMug); got != mugs {
		t.Fatalf("a second cancel restocked again: %d", got)
	}
	filtered := call(t, http.MethodGet, e.base+"/order/v1/orders?status=pending", a.Token, nil)
	if filtered.JSON["total"].(float64) != 0 {
		t.Fatalf("pending filter: %s", filtered.Raw)
	}
}

func (e *orderEnv) ordersAreOwnerOnly(t *testing.T) {
	owner, other := e.buyer(t), e.buyer(t)
	sn := e.order(t, owner.Token, [2]int{productTee, 1}).str("sn")
	expectError(t, call(t, http.MethodGet, e.base+"/order/v1/orders/"+sn, other.Token, nil), 404, 3003, "order not found")
	expectError(t, call(t, http.MethodPost, e.base+"/order/v1/orders/"+sn+"/cancel", other.Token, nil), 404, 3003, "order not found")
	if l := call(t, http.MethodGet, e.base+"/order/v1/orders", other.Token, nil); l.JSON["total"].(float64) != 0 {
		t.Fatalf("another user lists %s", l.Raw)
	}
	if r := call(t, http.MethodGet, e.base+"/order/v1/orders/"+sn, owner.Token, nil); r.str("status") != "pending" {
		t.Fatalf("owner's order changed: %s", r.Raw)
	}
	expectError(t, call(t, http.MethodGet, e.base+"/order/v1/orders/"+sn, "", nil), 401, 1401, "")
}

func (e *orderEnv) badInputIsRejectedAndWritesNothing(t *testing.T) {
	a := e.buyer(t)
	before, tees := e.countOrders(t), e.stock(t, productTee)
	lines21 := make([]string, 21)
	for i := range lines21 {
		lines21[i] = fmt.Sprintf(`{"productId":%d,"quantity":1}`, i+1)
	}
	cases := []struct {
		name   string
		body   string
		header []string
		status int
		code   int
		msg    string
	}{
		{"no items", `{"items":[]}`, nil, 400, 1400, "items: must hold at least one line"},
		{"items missing", `{}`, nil, 400, 1400, `"items"`},
		{"zero quantity", `{"items":[{"productId":1,"quantity":0}]}`, nil, 400, 1400, "items[0].quantity: must be at least 1"},
		{"negative quantity", `{"items":[{"productId":1,"quantity":-3}]}`, nil, 400, 1400, "items[0].quantity"},
		{"huge quantity", `{"items":[{"productId":1,"quantity":100}]}`, nil, 400, 1400, "must be at most 99"},
		{"overflowing quantity", `{"items":[{"productId":1,"quantity":99999999999999999999999}]}`, nil, 400, 1400, "quantity"},
		{"fractional quantity", `{"items":[{"productId":1,"quantity":1.5}]}`, nil, 400, 1400, "quantity"},
		{"string product", `{"items":[{"productId":"1","quantity":1}]}`, nil, 400, 1400, "productId"},
		{"zero product", `{"items":[{"productId":0,"quantity":1}]}`, nil, 400, 1400, "items[0].productId"},
		{"unknown product", `{"items":[{"productId":1,"quantity":1},{"productId":999,"quantity":1}]}`, nil, 400, 3001, "unknown product 999"},
		{"duplicate product", `{"items":[{"productId":1,"quantity":1},{"productId":1,"quantity":2}]}`, nil, 400, 1400, "appears twice"},
		{"too many lines", `{"items":[` + strings.Join(lines21, ",") + `]}`, nil, 400, 1400, "at most 20 lines"},
		{"bad idempotency key", `{"items":[{"productId":1,"quantity":1}]}`, []string{"Idempotency-Key", "a b;DROP"}, 400, 1400, "Idempotency-Key"},
		{"long idempotency key", `{"items":[{"productId":1,"quantity":1}]}`, []string{"Idempotency-Key", strings.Repeat("k", 65)}, 400, 1400, "Idempotency-Key"},
		{"out of stock", `{"items":[{"productId":1,"quantity":1},{"productId":6,"quantity":99}]}`, nil, 409, 3002, "out of stock"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, http.MethodPost, e.base+"/order/v1/orders", a.Token, tc.body, tc.header...)
			expectError(t, r, tc.status, tc.code, tc.msg)
		})
	}
	for _, q := range []struct{ query, msg string }{
		{"pageSize=101", "pageSize"}, {"pageSize=-1", "pageSize"}, {"page=-2", "page"}, {"page=abc", "page"},
		{"status=shipped", "status: must be one of"},
	} {
		expectError(t, call(t, http.MethodGet, e.base+"/order/v1/orders?"+q.query, a.Token, nil), 400, 1400, q.msg)
	}
	for _, sn := range []string{"123", "' OR '1'='1", "202611212359591234567890x"} {
		expectError(t, call(t, http.MethodGet, e.base+"/order/v1/orders/"+urlPath(sn), a.Token, nil), 404, 3003, "")
	}
	if got := e.countOrders(t); got != before {
		t.Errorf("rejected requests wrote %d orders", got-before)
	}
	if got := e.stock(t, productTee); got != tees {
		t.Errorf("rejected requests changed tee stock %d -> %d", tees, got)
	}
}

func urlPath(s string) string {
	return strings.NewReplacer(" ", "%20", "'", "%27").Replace(s)
}

func (e *orderEnv) concurrentBuyersNeverOversell(t *testing.T) {
	const buyers = 50
	stock := e.stock(t, productBook)
	if stock != 20 {
		t.Fatalf("book stock %d, want the seeded 20", stock)
	}
	accounts := make([]account, buyers)
	for i := range accounts {
		accounts[i] = e.buyer(t)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[int]int{}
		codes    = map[int]int{}
		start    = make(chan struct{})
	)
	for _, a := range accounts {
		wg.Add(1)
		go func(a account) {
			defer wg.Done()
			<-start
			r := e.order(t, a.Token, [2]int{productBook, 1})
			mu.Lock()
			statuses[r.Status]++
			codes[r.errCode()]++
			mu.Unlock()
		}(a)
	}
	close(start)
	wg.Wait()
	if statuses[200] != 20 || statuses[409] != 30 || codes[3002] != 30 {
		t.Fatalf("statuses %v, codes %v: want 20 sold and 30 out of stock", statuses, codes)
	}
	if got := e.stock(t, productBook); got != 0 {
		t.Fatalf("book stock %d after selling out", got)
	}
	var sold int
	_ = e.db(t).QueryRow("SELECT COALESCE(SUM(quantity),0) FROM order_items WHERE product_id = ?", productBook).Scan(&sold)
	if sold != 20 {
		t.Fatalf("%d books in orders, want 20", sold)
	}
	e.checkLedger(t)
}

func (e *orderEnv) idempotencyKeyReturnsTheSameOrder(t *testing.T) {
	a, b := e.buyer(t), e.buyer(t)
	tees := e.stock(t, productTee)
	body := map[string]any{"items": []map[string]any{{"productId": productTee, "quantity": 2}}}
	const replays = 10
	sns := make(chan string, replays)
	var wg sync.WaitGroup
	for range replays {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := call(t, http.MethodPost, e.base+"/order/v1/orders", a.Token, body, "Idempotency-Key", "checkout-42")
			if r.Status != 200 {
				t.Errorf("replay: %d %s", r.Status, r.Raw)
			}
			sns <- r.str("sn")
		}()
	}
	wg.Wait()
	close(sns)
	var first string
	for sn := range sns {
		if first == "" {
			first = sn
		}
		if sn != first {
			t.Fatalf("replays created different orders: %s and %s", first, sn)
		}
	}
	if got := e.stock(t, productTee); got != tees-2 {
		t.Fatalf("tee stock %d after %d replays, want %d (taken once)", got, replays, tees-2)
	}
	later := call(t, http.MethodPost, e.base+"/order/v1/orders", a.Token, body, "Idempotency-Key", "checkout-42")
	if later.str("sn") != first {
		t.Fatalf("a later replay returned %s, want %s", later.str("sn"), first)
	}
	other := map[string]any{"items": []map[string]any{{"productId": productTee, "quantity": 3}}}
	expectError(t, call(t, http.MethodPost, e.base+"/order/v1/orders", a.Token, other, "Idempotency-Key", "checkout-42"), 409, 3005, "Idempotency-Key")
	// Keys are per user: another user's identical key is a new order.
	if r := call(t, http.MethodPost, e.base+"/order/v1/orders", b.Token, body, "Idempotency-Key", "checkout-42"); r.Status != 200 || r.str("sn") == first {
		t.Fatalf("another user's key: %d %s", r.Status, r.Raw)
	}
}

// A payment's event reaches order-rpc while the order's owner may be cancelling: the event is
// published on the stack's broker as payment-rpc's relay would, and races the cancel. Exactly one
// wins: a cancelled order's payment is rejected (order.payment_rejected, so the money goes back),
// or a paid order refuses the cancel.
func (e *orderEnv) cancelVersusPaymentExactlyOneWins(t *testing.T) {
	a := e.buyer(t)
	b := bus(t, e.stack)
	mugs := e.stock(t, productMug)
	paid := 0
	for round := range 10 {
		sn := e.order(t, a.Token, [2]int{productMug, 1}).str("sn")
		ev := events.New(context.Background(), "payment", events.SubjectPaymentSucceeded, sn, events.VersionSettled)
		ev.Body = &events.Event_PaymentSucceeded{PaymentSucceeded: &events.PaymentSucceeded{
			PaymentSn: fmt.Sprintf("P%d%s", round, sn[:10]), OrderSn: sn, PaidAt: time.Now().UnixMilli(),
		}}
		payload, err := events.Encode(ev)
		if err != nil {
			t.Fatal(err)
		}
		var (
			wg     sync.WaitGroup
			cancel response
			pubErr error
			start  = make(chan struct{})
		)
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			cancel = call(t, http.MethodPost, e.base+"/order/v1/orders/"+sn+"/cancel", a.Token, nil)
		}()
		go func() {
			defer wg.Done()
			<-start
			ctx, done := context.WithTimeout(context.Background(), 5*time.Second)
			defer done()
			_, pubErr = b.Publish(ctx, ev.Type, ev.Id, payload)
		}()
		close(start)
		wg.Wait()
		if pubErr != nil {
			t.Fatalf("round %d: publish: %v", round, pubErr)
		}
		testkit.Eventually(t, 20*time.Second, "order-rpc applied the payment event", func() bool {
			var n int
			_ = e.db(t).QueryRow("SELECT COUNT(*) FROM inbox WHERE event_id = ?", ev.Id).Scan(&n)
			return n == 1
		})
		final := call(t, http.MethodGet, e.base+"/order/v1/orders/"+sn, a.Token, nil).str("status")
		var rejected int
		_ = e.db(t).QueryRow("SELECT COUNT(*) FROM outbox WHERE aggregate = ? AND topic = ?", sn, events.SubjectOrderPaymentRejected).Scan(&rejected)
		switch {
		case cancel.Status == 200 && final == "cancelled" && rejected == 1:
		case cancel.Status == 409 && final == "paid" && rejected == 0:
			paid++
		default:
			t.Fatalf("round %d: cancel %d %s, final %s, payment rejections %d", round, cancel.Status, cancel.Raw, final, rejected)
		}
	}
	if got := e.stock(t, productMug); got != mugs-paid {
		t.Fatalf("mug stock %d with %d paid, want %d", got, paid, mugs-paid)
	}
}

// Two order-rpc instances scan for expired orders at the same time; each order is cancelled and
// restocked exactly once.
func TestOrderAutoCancel_TwoInstancesRestockOnce(t *testing.T) {
	env := map[string]string{"ORDER_AUTO_CANCEL_AFTER": "2s", "ORDER_AUTO_CANCEL_INTERVAL": "100ms"}
	e := startOrderStack(t, env)
	second := e.stack.StartRPC("order", env)
	a := e.buyer(t)
	hats, tees := e.stock(t, productHat), e.stock(t, productTee)

	var sns []string
	for range 5 {
		sns = append(sns, e.order(t, a.Token, [2]int{productHat, 1}).str("sn"))
		sns = append(sns, e.order(t, a.Token, [2]int{productTee, 2}).str("sn"))
	}
	if e.stock(t, productHat) != 0 {
		t.Fatalf("hats not taken")
	}
	testkit.Eventually(t, 20*time.Second, "every order is auto-cancelled", func() bool {
		var pending int
		_ = e.db(t).QueryRow("SELECT COUNT(*) FROM orders WHERE status <> 'cancelled'").Scan(&pending)
		return pending == 0
	})
	time.Sleep(500 * time.Millisecond) // a few more scans by both instances: nothing may change
	if got := e.stock(t, productHat); got != hats {
		t.Errorf("hat stock %d, want %d", got, hats)
	}
	if got := e.stock(t, productTee); got != tees {
		t.Errorf("tee stock %d, want %d", got, tees)
	}
	first := strings.Count(e.rpc.Logs(), "auto-cancelled order")
	other := strings.Count(second.Logs(), "auto-cancelled order")
	if first+other != len(sns) {
		t.Errorf("instances logged %d + %d cancellations of %d orders", first, other, len(sns))
	}
	t.Logf("cancellations: instance 1 %d, instance 2 %d", first, other)
}
