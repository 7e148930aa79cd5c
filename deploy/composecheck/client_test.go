package composecheck

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"zeromall/deploy/internal/statusword"
	"zeromall/pkg/testkit"
)

var httpc = &http.Client{Timeout: 10 * time.Second}

type response struct {
	Status int
	Raw    []byte
	JSON   map[string]any
}

func (r response) str(key string) string {
	s, _ := r.JSON[key].(string)
	return s
}

// try sends one JSON request; a transport error comes back as status 0.
func try(method, url, token string, body any, header ...string) response {
	req, err := testkit.NewRequest(method, url, token, body, header...)
	if err != nil {
		return response{Raw: []byte(err.Error())}
	}
	resp, err := httpc.Do(req)
	if err != nil {
		return response{Raw: []byte(err.Error())}
	}
	defer resp.Body.Close()
	r := response{Status: resp.StatusCode}
	r.Raw, _ = io.ReadAll(resp.Body)
	_ = json.Unmarshal(r.Raw, &r.JSON)
	return r
}

func get(url string) response { return try("GET", url, "", nil) }

// call is try for a step that cannot go on without an answer.
func call(t *testing.T, method, url, token string, body any, header ...string) response {
	t.Helper()
	r := try(method, url, token, body, header...)
	if r.Status == 0 {
		t.Fatalf("%s %s: %s", method, url, r.Raw)
	}
	return r
}

func expect(t *testing.T, r response, what string) response {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("%s: %d %s", what, r.Status, r.Raw)
	}
	return r
}

const password = "correct horse battery"

func register(t *testing.T, email string) {
	t.Helper()
	expect(t, call(t, "POST", userAPI+"/user/v1/register", "", map[string]string{
		"email": email, "password": password, "nickname": "Compose buyer",
	}), "register "+email)
}

func login(t *testing.T, email string) string {
	t.Helper()
	r := expect(t, call(t, "POST", userAPI+"/user/v1/login", "", map[string]string{"email": email, "password": password}), "login "+email)
	return r.str("accessToken")
}

// purchased is what the purchase step leaves for the down/up step to find again.
type purchased struct{ email, order, payment string }

// purchase walks register → login → order → pay at the sandbox → paid (through payment-rpc's
// outbox) → refund → refunded, through the published gateways.
func purchase(t *testing.T, name string) purchased {
	t.Helper()
	p := purchased{email: fmt.Sprintf("%s-%d@example.com", name, time.Now().UnixNano())}
	register(t, p.email)
	token := login(t, p.email)
	if r := expect(t, call(t, "GET", userAPI+"/user/v1/me", token, nil), "me"); r.str("email") != p.email {
		t.Fatalf("/me answers %s, want %s", r.Raw, p.email)
	}
	order := expect(t, call(t, "POST", orderAPI+"/order/v1/orders", token, map[string]any{
		"items": []map[string]int{{"productId": 1, "quantity": 2}, {"productId": 3, "quantity": 1}},
	}, "Idempotency-Key", fmt.Sprintf("compose-%d", time.Now().UnixNano())), "order")
	p.order = order.str("sn")
	pay := expect(t, call(t, "POST", payAPI+"/payment/v1/payments", token, map[string]string{"orderSn": p.order}), "open payment")
	p.payment = pay.str("sn")
	if r := expect(t, call(t, "POST", pay.str("payUrl"), token, nil), "pay at the sandbox"); r.str("status") != statusword.PaymentSucceeded {
		t.Fatalf("sandbox payment: %s, want succeeded", r.Raw)
	}
	waitStatus(t, token, p.order, statusword.OrderPaid)
	if r := expect(t, call(t, "POST", payAPI+"/payment/v1/payments/"+p.payment+"/refund", token, nil), "refund"); r.str("status") != statusword.PaymentRefunded {
		t.Fatalf("refund: %s, want refunded", r.Raw)
	}
	waitStatus(t, token, p.order, statusword.OrderRefunded)
	t.Logf("compose: purchase %s: order %s paid then refunded, payment %s", p.email, p.order, p.payment)
	return p
}

func waitStatus(t *testing.T, token, sn, want string) {
	t.Helper()
	var last response
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if last = call(t, "GET", orderAPI+"/order/v1/orders/"+sn, token, nil); last.str("status") == want {
			return
		}
	}
	t.Fatalf("order %s is not %s: %d %s", sn, want, last.Status, last.Raw)
}
