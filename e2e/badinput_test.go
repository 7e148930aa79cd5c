package e2e

import (
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Every endpoint, fed garbage: malformed JSON, wrong types, missing fields (with unknown ones —
// unknown fields alone are ignored by design, a client may send a price that is never used),
// huge strings, negative and overflowing numbers, SQL-injection strings and invalid UTF-8. Each
// answer is a 4xx with {code,msg}, never a 5xx, and nothing is written.
func TestBadInputEverywhere(t *testing.T) {
	e := startPaymentStack(t, nil, nil)
	a := e.buyer(t)
	orderSn := e.order(t, a.Token, [2]int{productTee, 1}).str("sn")
	paySn := call(t, http.MethodPost, e.pay+"/payment/v1/payments", a.Token, map[string]any{"orderSn": orderSn}).str("sn")
	before := e.rowCounts(t)

	inject := `' OR '1'='1'; DROP TABLE users; --`
	long := strings.Repeat("x", 10_000)
	huge := strings.Repeat("x", 70_000) // above MaxBytes (64 KiB)
	garbage := []string{
		`{"a":`, `[]`, `"just a string"`, `{}`, `{"unexpected":true}`, `null`,
		"{\"email\":\"\xff\xfe\"}", `{"email":{"nested":1},"password":[1,2],"nickname":true}`,
		`{"items":[{"productId":-1,"quantity":-1}]}`, `{"items":[{"productId":1,"quantity":1e30}]}`,
		`{"items":"not a list"}`, `{"orderSn":"` + inject + `"}`, `{"orderSn":12345}`,
		`{"email":"` + inject + `","password":"` + long + `","nickname":"` + long + `"}`,
		`{"nickname":"` + long + `"}`, `{"nickname":""}`, `{"huge":"` + huge + `"}`,
		`{"paymentSn":"` + inject + `","tradeNo":"` + inject + `","status":"succeeded","amount":-1,"paidAt":-1}`,
	}
	type endpoint struct {
		method, path string
		auth         bool
	}
	endpoints := []endpoint{
		{http.MethodPost, "/user/v1/register", false},
		{http.MethodPost, "/user/v1/login", false},
		{http.MethodPut, "/user/v1/me", true},
		{http.MethodPost, "/order/v1/orders", true},
		{http.MethodPost, "/payment/v1/payments", true},
		{http.MethodPost, "/payment/v1/callback", false},
	}
	base := func(path string) string {
		switch {
		case strings.HasPrefix(path, "/user/"):
			return e.users.base
		case strings.HasPrefix(path, "/order/"):
			return e.base
		}
		return e.pay
	}
	check := func(t *testing.T, r response) {
		t.Helper()
		if r.Status < 400 || r.Status >= 500 || r.errCode() == 0 || r.str("msg") == "" {
			t.Errorf("got %d %.200s, want a 4xx with {code,msg}", r.Status, r.Raw)
		}
	}
	for _, ep := range endpoints {
		for i, body := range garbage {
			t.Run(fmt.Sprintf("%s %s #%d", ep.method, ep.path, i), func(t *testing.T) {
				token := ""
				if ep.auth {
					token = a.Token
				}
				check(t, call(t, ep.method, base(ep.path)+ep.path, token, body))
			})
		}
	}

	badPaths := []string{"'%20OR%20'1'='1", "%FF%FE", strings.Repeat("9", 300), "-1", "20261121235959123456789x"}
	for _, sn := range badPaths {
		for _, ep := range []endpoint{
			{http.MethodGet, "/order/v1/orders/" + sn, true},
			{http.MethodPost, "/order/v1/orders/" + sn + "/cancel", true},
			{http.MethodGet, "/payment/v1/payments/" + sn, true},
			{http.MethodPost, "/payment/v1/payments/" + sn + "/refund", true},
		} {
			t.Run(ep.method+" "+ep.path, func(t *testing.T) {
				token := ""
				if ep.auth {
					token = a.Token
				}
				check(t, call(t, ep.method, base(ep.path)+ep.path, token, nil))
			})
		}
	}
	for _, q := range []string{"page=-1", "page=abc", "pageSize=0x10", "pageSize=1000", "status=" + strings.ReplaceAll(inject, " ", "%20"),
		"page=99999999999999999999", "status=%FF"} {
		t.Run("GET /order/v1/orders?"+q, func(t *testing.T) {
			check(t, call(t, http.MethodGet, e.base+"/order/v1/orders?"+q, a.Token, nil))
		})
	}

	if after := e.rowCounts(t); after != before {
		t.Errorf("bad input wrote rows: before %v, after %v", before, after)
	}
	// Injection text where text is allowed is stored as text: the tables are intact.
	if r := call(t, http.MethodPut, e.users.base+"/user/v1/me", a.Token, map[string]any{"nickname": "'; DROP TABLE users; --"}); r.Status != 200 {
		t.Fatalf("nickname with quotes: %d %s", r.Status, r.Raw)
	}
	if r := call(t, http.MethodGet, e.users.base+"/user/v1/me", a.Token, nil); r.str("nickname") != "'; DROP TABLE users; --" {
		t.Fatalf("nickname stored as %q", r.str("nickname"))
	}
	if got := call(t, http.MethodGet, e.pay+"/payment/v1/payments/"+paySn, a.Token, nil); got.str("status") != "pending" {
		t.Errorf("the payment changed: %s", got.Raw)
	}
}

// rowCounts counts the rows every write path touches.
func (e *paymentEnv) rowCounts(t *testing.T) string {
	t.Helper()
	count := func(dsnService, table string) int {
		var n int
		db := e.paymentDB
		if dsnService == "order" {
			db = e.db(t)
		}
		if dsnService == "user" {
			var err error
			if db, err = sql.Open("mysql", e.stack.DSN("user")); err != nil {
				t.Fatal(err)
			}
			defer db.Close()
		}
		if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	return fmt.Sprintf("users=%d orders=%d items=%d payments=%d outbox=%d stock=%d",
		count("user", "users"), count("order", "orders"), count("order", "order_items"),
		count("payment", "payments"), count("payment", "outbox"), e.stock(t, productTee))
}
