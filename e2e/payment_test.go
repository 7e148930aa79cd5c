package e2e

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"zeromall/pkg/events"
	"zeromall/pkg/signature"
	"zeromall/pkg/testkit"
)

// paymentEnv is the whole stack: user, order and payment, rpc and api each.
type paymentEnv struct {
	*orderEnv
	pay       string // payment-api base URL
	sandbox   string // the sandbox provider's base URL
	paymentDB *sql.DB
}

func startPaymentStack(t *testing.T, orderRPCEnv, paymentRPCEnv map[string]string) *paymentEnv {
	return startPaymentServices(t, startOrderStack(t, orderRPCEnv), paymentRPCEnv)
}

// startPaymentServices adds payment-rpc, payment-api and the sandbox provider to an order stack.
func startPaymentServices(t *testing.T, e *orderEnv, paymentRPCEnv map[string]string) *paymentEnv {
	e.stack.StartRPC("payment", paymentRPCEnv)
	api, sandbox := e.stack.StartPaymentAPI(nil)
	db, err := sql.Open("mysql", e.stack.DSN("payment"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &paymentEnv{orderEnv: e, pay: api.URL, sandbox: sandbox.URL, paymentDB: db}
}

// purchase registers a buyer, orders one unit of product and opens its payment.
func (e *paymentEnv) purchase(t *testing.T, product int) (buyer account, orderSn string, pay response) {
	t.Helper()
	buyer = e.buyer(t)
	o := e.order(t, buyer.Token, [2]int{product, 1})
	if o.Status != 200 {
		t.Fatalf("order: %d %s", o.Status, o.Raw)
	}
	pay = call(t, http.MethodPost, e.pay+"/payment/v1/payments", buyer.Token, map[string]any{"orderSn": o.str("sn")})
	if pay.Status != 200 || pay.str("status") != "pending" {
		t.Fatalf("create payment: %d %s", pay.Status, pay.Raw)
	}
	return buyer, o.str("sn"), pay
}

// sandboxPay pays at the sandbox provider as the buyer (it pays only its caller's payments).
func (e *paymentEnv) sandboxPay(t *testing.T, token, paymentSn string) response {
	t.Helper()
	return call(t, http.MethodPost, e.sandbox+"/sandbox/pay/"+paymentSn, token, nil)
}

func (e *paymentEnv) callback(t *testing.T, body []byte, sig string) response {
	t.Helper()
	headers := []string{}
	if sig != "" {
		headers = append(headers, signature.Header, sig)
	}
	return call(t, http.MethodPost, e.pay+"/payment/v1/callback", "", body, headers...)
}

func callbackBody(t *testing.T, paymentSn, tradeNo string, amount int64) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"paymentSn": paymentSn, "tradeNo": tradeNo, "status": "succeeded",
		"amount": amount, "paidAt": time.Now().Unix()})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sign(body []byte) string {
	return signature.Sign([]byte(testkit.TestCallbackSecret), body)
}

func (e *paymentEnv) orderStatus(t *testing.T, sn string) string {
	t.Helper()
	var s string
	if err := e.db(t).QueryRow("SELECT status FROM orders WHERE sn = ?", sn).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *paymentEnv) paymentRow(t *testing.T, sn string) (status, tradeNo, note string) {
	t.Helper()
	if err := e.paymentDB.QueryRow("SELECT status, trade_no, note FROM payments WHERE sn = ?", sn).Scan(&status, &tradeNo, &note); err != nil {
		t.Fatal(err)
	}
	return
}

// receiptOutcome is what payment_receipts says became of a trade's money.
func (e *paymentEnv) receiptOutcome(t *testing.T, tradeNo string) (outcome string) {
	t.Helper()
	if err := e.paymentDB.QueryRow("SELECT outcome FROM payment_receipts WHERE trade_no = ?", tradeNo).Scan(&outcome); err != nil {
		t.Fatal(err)
	}
	return outcome
}

func (e *paymentEnv) outboxRows(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.paymentDB.QueryRow("SELECT COUNT(*) FROM outbox").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *paymentEnv) eventuallyOrder(t *testing.T, sn, status string) {
	t.Helper()
	testkit.Eventually(t, 20*time.Second, "order "+sn+" is "+status, func() bool {
		return e.orderStatus(t, sn) == status
	})
}

func TestPaymentGateway(t *testing.T) {
	e := startPaymentStack(t, nil, nil)
	t.Run("PayToPaid", e.payToPaid)
	t.Run("CreatePaymentChecksTheOrder", e.createPaymentChecksTheOrder)
	t.Run("ForgedUnsignedAndTamperedCallbacksChangeNothing", e.forgedCallbacksChangeNothing)
	t.Run("CallbacksAreIdempotentAndChecked", e.callbacksAreIdempotentAndChecked)
	t.Run("TwentyOrdersPaidConcurrently", e.twentyOrdersPaidConcurrently)
	t.Run("RefundRestocks", e.refundRestocks)
	t.Run("LatePaymentOnCancelledOrderIsRefunded", e.latePaymentOnCancelledOrderIsRefunded)
	t.Run("GeneratedClientsRunThePurchase", e.generatedClientsRunThePurchase)
	t.Run("LogsHoldNoSecrets", e.logsHoldNoSecrets)
}

// Everything above sent passwords, tokens and signed callbacks through all six processes.
func (e *paymentEnv) logsHoldNoSecrets(t *testing.T) {
	secrets := append([]string{"correct horse", testkit.TestJWTSecret, testkit.TestCallbackSecret, "$2a$"},
		e.users.issuedTokens()...)
	for _, p := range e.stack.Services {
		logs := p.Logs()
		if len(logs) < 100 {
			t.Fatalf("%s logged almost nothing; the check would prove nothing", p.Name)
		}
		for _, secret := range secrets {
			if strings.Contains(logs, secret) {
				t.Errorf("%s logs contain %.20q...", p.Name, secret)
			}
		}
	}
}

func (e *paymentEnv) payToPaid(t *testing.T) {
	buyer, orderSn, pay := e.purchase(t, productTee)
	sn := pay.str("sn")
	if pay.JSON["amount"].(float64) != 1999 || pay.str("orderSn") != orderSn || pay.str("payUrl") != e.sandbox+"/sandbox/pay/"+sn {
		t.Fatalf("payment %s", pay.Raw)
	}
	again := call(t, http.MethodPost, e.pay+"/payment/v1/payments", buyer.Token, map[string]any{"orderSn": orderSn})
	if again.str("sn") != sn {
		t.Fatalf("second create returned %s, want the same payment %s", again.Raw, sn)
	}

	if r := e.sandboxPay(t, "", sn); r.Status != 401 {
		t.Fatalf("sandbox pay without a token: %d %s, want 401", r.Status, r.Raw)
	}
	other := e.buyer(t)
	expectError(t, e.sandboxPay(t, other.Token, sn), 404, 4002, "payment not found")
	paid := e.sandboxPay(t, buyer.Token, sn)
	if paid.Status != 200 || paid.str("status") != "succeeded" || paid.str("tradeNo") == "" || paid.str("paidAt") == "" {
		t.Fatalf("sandbox pay: %d %s", paid.Status, paid.Raw)
	}
	e.eventuallyOrder(t, orderSn, "paid")
	o := call(t, http.MethodGet, e.base+"/order/v1/orders/"+orderSn, buyer.Token, nil)
	if o.str("status") != "paid" || o.str("paidAt") == "" {
		t.Fatalf("order after payment: %s", o.Raw)
	}
	got := call(t, http.MethodGet, e.pay+"/payment/v1/payments/"+sn, buyer.Token, nil)
	if got.str("status") != "succeeded" || got.str("tradeNo") != paid.str("tradeNo") {
		t.Fatalf("get payment: %s", got.Raw)
	}
	expectError(t, call(t, http.MethodGet, e.pay+"/payment/v1/payments/"+sn, other.Token, nil), 404, 4002, "payment not found")
	expectError(t, e.sandboxPay(t, buyer.Token, sn), 409, 4006, "succeeded")
}

func (e *paymentEnv) createPaymentChecksTheOrder(t *testing.T) {
	owner, other := e.buyer(t), e.buyer(t)
	sn := e.order(t, owner.Token, [2]int{productTee, 1}).str("sn")
	expectError(t, call(t, http.MethodPost, e.pay+"/payment/v1/payments", other.Token, map[string]any{"orderSn": sn}), 404, 3003, "order not found")
	expectError(t, call(t, http.MethodPost, e.pay+"/payment/v1/payments", owner.Token, map[string]any{"orderSn": "nope"}), 404, 3003, "")
	expectError(t, call(t, http.MethodPost, e.pay+"/payment/v1/payments", owner.Token, map[string]any{}), 400, 1400, "orderSn")
	expectError(t, call(t, http.MethodPost, e.pay+"/payment/v1/payments", "", map[string]any{"orderSn": sn}), 401, 1401, "")
	call(t, http.MethodPost, e.base+"/order/v1/orders/"+sn+"/cancel", owner.Token, nil)
	expectError(t, call(t, http.MethodPost, e.pay+"/payment/v1/payments", owner.Token, map[string]any{"orderSn": sn}), 409, 4004, "cancelled")
	var n int
	_ = e.paymentDB.QueryRow("SELECT COUNT(*) FROM payments WHERE order_sn = ?", sn).Scan(&n)
	if n != 0 {
		t.Fatalf("rejected creates wrote %d payments", n)
	}
}

func (e *paymentEnv) forgedCallbacksChangeNothing(t *testing.T) {
	_, orderSn, pay := e.purchase(t, productTee)
	sn := pay.str("sn")
	amount := int64(pay.JSON["amount"].(float64))
	body := callbackBody(t, sn, "T-forged", amount)
	outbox := e.outboxRows(t)

	forged := signature.Sign([]byte("not-the-secret-not-the-secret-00000"), body)
	tampered := callbackBody(t, sn, "T-tampered", amount)
	cases := map[string]response{
		"unsigned":       e.callback(t, body, ""),
		"forged":         e.callback(t, body, forged),
		"garbage sig":    e.callback(t, body, "abc"),
		"tampered body":  e.callback(t, tampered, sign(body)),
		"replay altered": e.callback(t, append(append([]byte{}, body[:len(body)-1]...), []byte(`,"x":1}`)...), sign(body)),
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) { expectError(t, r, 401, 4001, "signature") })
	}
	if status, trade, _ := e.paymentRow(t, sn); status != "pending" || trade != "" {
		t.Fatalf("payment became %s/%s", status, trade)
	}
	if e.outboxRows(t) != outbox || e.orderStatus(t, orderSn) != "pending" {
		t.Fatal("a rejected callback queued a message or changed the order")
	}
}

func (e *paymentEnv) callbacksAreIdempotentAndChecked(t *testing.T) {
	_, orderSn, pay := e.purchase(t, productMug)
	sn := pay.str("sn")
	amount := int64(pay.JSON["amount"].(float64))

	unknown := callbackBody(t, "202611210000001234567890", "T-x", amount)
	expectError(t, e.callback(t, unknown, sign(unknown)), 404, 4002, "payment not found")
	// A wrong amount is refused, and its money recorded as refunded (its trade can never settle).
	wrongAmount := callbackBody(t, sn, "T-wrong-amount", amount-1)
	expectError(t, e.callback(t, wrongAmount, sign(wrongAmount)), 400, 4003, "amount")
	if status, _, _ := e.paymentRow(t, sn); status != "pending" {
		t.Fatalf("amount mismatch changed the payment to %s", status)
	}
	if got := e.receiptOutcome(t, "T-wrong-amount"); got != "refunded" {
		t.Fatalf("the mismatched money's receipt says %q, want refunded", got)
	}
	for _, bad := range []map[string]any{
		{"paymentSn": sn, "tradeNo": "T-1", "status": "failed", "amount": amount, "paidAt": time.Now().Unix()},
		{"paymentSn": sn, "tradeNo": "T 1;", "status": "succeeded", "amount": amount, "paidAt": time.Now().Unix()},
		{"paymentSn": sn, "tradeNo": "T-1", "status": "succeeded", "amount": amount, "paidAt": time.Now().Add(time.Hour).Unix()},
	} {
		b, _ := json.Marshal(bad)
		expectError(t, e.callback(t, b, sign(b)), 400, 1400, "")
	}

	outbox := e.outboxRows(t)
	good := callbackBody(t, sn, "T-1", amount)
	for i := range 3 {
		r := e.callback(t, good, sign(good))
		if r.Status != 200 || r.str("result") != "ok" {
			t.Fatalf("callback #%d: %d %s", i+1, r.Status, r.Raw)
		}
	}
	if got := e.outboxRows(t); got != outbox+1 {
		t.Fatalf("3 identical callbacks queued %d messages, want 1", got-outbox)
	}
	e.eventuallyOrder(t, orderSn, "paid")
	// Money from another trade for the settled payment is recorded and refunded, not refused.
	other := callbackBody(t, sn, "T-2", amount)
	if r := e.callback(t, other, sign(other)); r.Status != 200 {
		t.Fatalf("a second trade for a settled payment: %d %s", r.Status, r.Raw)
	}
	if _, trade, _ := e.paymentRow(t, sn); trade != "T-1" {
		t.Fatalf("trade number became %s", trade)
	}
}

func (e *paymentEnv) twentyOrdersPaidConcurrently(t *testing.T) {
	const n = 20
	type purchase struct{ token, orderSn, paymentSn string }
	purchases := make([]purchase, n)
	for i := range purchases {
		buyer, orderSn, pay := e.purchase(t, productSticker)
		purchases[i] = purchase{buyer.Token, orderSn, pay.str("sn")}
	}
	var wg sync.WaitGroup
	for _, p := range purchases {
		wg.Add(1)
		go func(p purchase) {
			defer wg.Done()
			if r := e.sandboxPay(t, p.token, p.paymentSn); r.Status != 200 {
				t.Errorf("pay %s: %d %s", p.paymentSn, r.Status, r.Raw)
			}
		}(p)
	}
	wg.Wait()
	for _, p := range purchases {
		e.eventuallyOrder(t, p.orderSn, "paid")
	}
}

func (e *paymentEnv) refundRestocks(t *testing.T) {
	hoodies := e.stock(t, productHoodie)
	buyer, orderSn, pay := e.purchase(t, productHoodie)
	sn := pay.str("sn")
	expectError(t, call(t, http.MethodPost, e.pay+"/payment/v1/payments/"+sn+"/refund", buyer.Token, nil), 409, 4005, "pending")
	e.sandboxPay(t, buyer.Token, sn)
	e.eventuallyOrder(t, orderSn, "paid")
	if got := e.stock(t, productHoodie); got != hoodies-1 {
		t.Fatalf("hoodie stock %d, want %d", got, hoodies-1)
	}
	other := e.buyer(t)
	expectError(t, call(t, http.MethodPost, e.pay+"/payment/v1/payments/"+sn+"/refund", other.Token, nil), 404, 4002, "")

	r := call(t, http.MethodPost, e.pay+"/payment/v1/payments/"+sn+"/refund", buyer.Token, nil)
	if r.Status != 200 || r.str("status") != "refunded" {
		t.Fatalf("refund: %d %s", r.Status, r.Raw)
	}
	e.eventuallyOrder(t, orderSn, "refunded")
	if got := e.stock(t, productHoodie); got != hoodies {
		t.Fatalf("hoodie stock %d after refund, want %d", got, hoodies)
	}
	expectError(t, call(t, http.MethodPost, e.pay+"/payment/v1/payments/"+sn+"/refund", buyer.Token, nil), 409, 4005, "refunded")
}

func (e *paymentEnv) latePaymentOnCancelledOrderIsRefunded(t *testing.T) {
	mugs := e.stock(t, productMug)
	buyer, orderSn, pay := e.purchase(t, productMug)
	sn := pay.str("sn")
	if r := call(t, http.MethodPost, e.base+"/order/v1/orders/"+orderSn+"/cancel", buyer.Token, nil); r.Status != 200 {
		t.Fatalf("cancel: %d %s", r.Status, r.Raw)
	}
	// The provider does not know the order was cancelled: the money arrives anyway.
	body := callbackBody(t, sn, "T-late", int64(pay.JSON["amount"].(float64)))
	if r := e.callback(t, body, sign(body)); r.Status != 200 {
		t.Fatalf("late callback: %d %s", r.Status, r.Raw)
	}
	testkit.Eventually(t, 20*time.Second, "the late payment is refunded", func() bool {
		status, _, _ := e.paymentRow(t, sn)
		return status == "refunded"
	})
	_, _, note := e.paymentRow(t, sn)
	if note == "" {
		t.Error("automatic refund carries no note")
	}
	if got := e.orderStatus(t, orderSn); got != "cancelled" {
		t.Fatalf("order became %s", got)
	}
	if got := e.stock(t, productMug); got != mugs {
		t.Fatalf("mug stock %d, want %d", got, mugs)
	}
	if got := call(t, http.MethodGet, e.pay+"/payment/v1/payments/"+sn, buyer.Token, nil); got.str("status") != "refunded" {
		t.Fatalf("payment seen by its owner: %s", got.Raw)
	}
}

// The broker and order-rpc are both down when the payment succeeds: the payment is taken and its
// event waits in the outbox; once the broker is back the event is published (once, though two
// payment-rpc relays compete for it) and waits on the stream; once order-rpc is back the order
// becomes paid.
func TestPayment_BrokerAndOrderRpcDownThenRecover(t *testing.T) {
	relayEnv := map[string]string{"EVENTS_RELAY_INTERVAL": "200ms", "EVENTS_RELAY_MAX_BACKOFF": "1s"}
	e := startPaymentStack(t, nil, relayEnv)
	e.stack.StartRPC("payment", relayEnv)
	_, orderSn, pay := e.purchase(t, productTee)
	sn := pay.str("sn")

	e.rpc.Stop()
	e.stack.NATS.Stop()
	body := callbackBody(t, sn, "T-down", int64(pay.JSON["amount"].(float64)))
	if r := e.callback(t, body, sign(body)); r.Status != 200 {
		t.Fatalf("callback while the broker and order-rpc are down: %d %s", r.Status, r.Raw)
	}
	testkit.Eventually(t, 20*time.Second, "the relay has tried to publish and failed", func() bool {
		var attempts int
		_ = e.paymentDB.QueryRow("SELECT attempts FROM outbox WHERE status = 'pending' AND payload LIKE ?", "%"+sn+"%").Scan(&attempts)
		return attempts >= 2
	})

	e.stack.NATS.Start()
	var delivered int
	testkit.Eventually(t, 20*time.Second, "the payment's event is published, once", func() bool {
		_ = e.paymentDB.QueryRow("SELECT COUNT(*) FROM outbox WHERE status = 'delivered' AND payload LIKE ?", "%"+sn+"%").Scan(&delivered)
		return delivered == 1
	})
	if got := e.orderStatus(t, orderSn); got != "pending" {
		t.Fatalf("order is %s while order-rpc is down", got)
	}
	e.rpc.Start()
	e.eventuallyOrder(t, orderSn, "paid")
	if n := len(streamEvents(t, e.stack, events.Payments, orderSn, events.SubjectPaymentSucceeded)); n != 1 {
		t.Fatalf("PAYMENTS holds %d payment.succeeded events of order %s, want 1", n, orderSn)
	}
}

// A payment not paid in time expires: the provider's page refuses it, opening it again reopens
// it, and money that arrives for an expired payment is refunded at once. While the payment is
// open its order is held from auto-cancel, which takes over once the hold has run out.
func TestPayment_ExpiresReopensAndRefundsLateMoney(t *testing.T) {
	e := startPaymentStack(t,
		map[string]string{"ORDER_AUTO_CANCEL_AFTER": "1s", "ORDER_AUTO_CANCEL_INTERVAL": "500ms", "ORDER_MAX_HOLD": "8s"},
		map[string]string{"PAYMENT_EXPIRE_AFTER": "2s", "PAYMENT_SETTLE_GRACE": "1s", "PAYMENT_EXPIRY_INTERVAL": "200ms"})
	paymentStatus := func(token, sn string) string {
		return call(t, http.MethodGet, e.pay+"/payment/v1/payments/"+sn, token, nil).str("status")
	}

	// Reopened, then paid: the order was held past its auto-cancel time and ends paid.
	buyer, orderSn, pay := e.purchase(t, productTee)
	sn := pay.str("sn")
	testkit.Eventually(t, 10*time.Second, "payment "+sn+" expires", func() bool { return paymentStatus(buyer.Token, sn) == "expired" })
	if got := e.orderStatus(t, orderSn); got != "pending" {
		t.Fatalf("order is %s within its payment's settle grace", got)
	}
	expectError(t, e.sandboxPay(t, buyer.Token, sn), http.StatusConflict, 4006, "expired")
	again := call(t, http.MethodPost, e.pay+"/payment/v1/payments", buyer.Token, map[string]any{"orderSn": orderSn})
	if again.Status != 200 || again.str("sn") != sn || again.str("status") != "pending" {
		t.Fatalf("reopen: %d %s", again.Status, again.Raw)
	}
	paidAgain := e.sandboxPay(t, buyer.Token, sn)
	if paidAgain.Status != 200 || paidAgain.str("status") != "succeeded" {
		t.Fatalf("pay the reopened payment: %d %s", paidAgain.Status, paidAgain.Raw)
	}
	e.eventuallyOrder(t, orderSn, "paid")

	// The first attempt's money arrives too, late: the buyer paid twice. It is recorded on the
	// payment and refunded, and the order stays paid.
	first := callbackBody(t, sn, "T-first-attempt", int64(pay.JSON["amount"].(float64)))
	if r := e.callback(t, first, sign(first)); r.Status != 200 {
		t.Fatalf("the first attempt's late money: %d %s", r.Status, r.Raw)
	}
	got := call(t, http.MethodGet, e.pay+"/payment/v1/payments/"+sn, buyer.Token, nil)
	receipts, _ := got.JSON["receipts"].([]any)
	if got.str("status") != "succeeded" || len(receipts) != 2 {
		t.Fatalf("payment after money received twice: %s", got.Raw)
	}
	settled, refunded := receipts[0].(map[string]any), receipts[1].(map[string]any)
	if settled["tradeNo"] != paidAgain.str("tradeNo") || settled["outcome"] != "settled" ||
		refunded["tradeNo"] != "T-first-attempt" || refunded["outcome"] != "refunded" || refunded["note"] == "" {
		t.Fatalf("receipts %v, want the new window's trade settled and the first attempt's refunded", receipts)
	}
	if got := e.orderStatus(t, orderSn); got != "paid" {
		t.Fatalf("order is %s after the surplus money", got)
	}

	// Expired and never reopened: the money that comes late is refunded, the order auto-cancelled.
	mugs := e.stock(t, productMug)
	buyer, orderSn, pay = e.purchase(t, productMug)
	sn = pay.str("sn")
	testkit.Eventually(t, 10*time.Second, "payment "+sn+" expires", func() bool { return paymentStatus(buyer.Token, sn) == "expired" })
	body := callbackBody(t, sn, "T-expired", int64(pay.JSON["amount"].(float64)))
	if r := e.callback(t, body, sign(body)); r.Status != 200 {
		t.Fatalf("late callback: %d %s", r.Status, r.Raw)
	}
	if r := e.callback(t, body, sign(body)); r.Status != 200 {
		t.Fatalf("repeated late callback: %d %s", r.Status, r.Raw)
	}
	status, tradeNo, note := e.paymentRow(t, sn)
	if status != "refunded" || tradeNo != "T-expired" || note == "" {
		t.Fatalf("late money: payment %s, trade %q, note %q; want refunded with the trade and a note", status, tradeNo, note)
	}
	e.eventuallyOrder(t, orderSn, "cancelled")
	if got := e.stock(t, productMug); got != mugs {
		t.Fatalf("mug stock %d, want %d back", got, mugs)
	}

	// Reopened again and again: the order is held at most ORDER_MAX_HOLD after it was placed, then
	// reopening is refused by name and auto-cancel gives the stock back.
	buyer, orderSn, pay = e.purchase(t, productMug)
	sn = pay.str("sn")
	placed := time.Now()
	reopens := 0
	for {
		testkit.Eventually(t, 10*time.Second, "payment "+sn+" expires", func() bool { return paymentStatus(buyer.Token, sn) == "expired" })
		r := call(t, http.MethodPost, e.pay+"/payment/v1/payments", buyer.Token, map[string]any{"orderSn": orderSn})
		if r.Status == http.StatusConflict {
			expectError(t, r, http.StatusConflict, 3011, "held for payment as long as allowed")
			break
		}
		if r.Status != 200 || r.str("status") != "pending" {
			t.Fatalf("reopen %d: %d %s", reopens+1, r.Status, r.Raw)
		}
		if reopens++; time.Since(placed) > 30*time.Second {
			t.Fatalf("reopened %d times over %s: the hold is not capped", reopens, time.Since(placed))
		}
	}
	t.Logf("FIGURE reopen cap: %d reopenings, refused %.1fs after the order was placed (ORDER_MAX_HOLD 8s)", reopens, time.Since(placed).Seconds())
	e.eventuallyOrder(t, orderSn, "cancelled")
	if got := e.stock(t, productMug); got != mugs {
		t.Fatalf("mug stock %d after the capped hold, want %d back", got, mugs)
	}
}
