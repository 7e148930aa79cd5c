package testkit

import (
	"strings"
	"testing"
)

func TestCardLike(t *testing.T) {
	for v, want := range map[string]bool{
		"/pay?card=4111111111111111":            true,
		"4111 1111 1111 1111":                   true,
		"4111-1111-1111-1111":                   true,
		"2026-12-06 10:00":                      false,
		"202612062258525873339881":              false, // an order number: 24 digits
		"payment-32aa0073312345678901234b4cd":   false, // hex id: digits inside a word with letters
		"x=1234567890123":                       true,
		"http.request_content_length=69":        false,
		"order-78aca46e2918571fe4b879582d33180": false,
	} {
		if got := cardLike(v); got != want {
			t.Errorf("cardLike(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestPurchaseProblems_FindOrphansAndRpcSpansUnderTheWrongParent(t *testing.T) {
	tr := &Trace{byID: map[string]*Span{}}
	add := func(s *Span) {
		tr.Spans = append(tr.Spans, s)
		tr.byID[s.ID] = s
	}
	add(&Span{ID: "r", Process: "purchase.sh", Name: "purchase"})
	add(&Span{ID: "h", Parent: "r", Process: "order-api", Kind: "server", Name: "/order/v1/orders"})
	add(&Span{ID: "c", Parent: "gone", Process: "order-api", Kind: "client", Name: "order.Order/CreateOrder"})
	add(&Span{ID: "s", Parent: "h", Process: "order-rpc", Kind: "server", Name: "order.Order/CreateOrder"})
	problems := strings.Join(tr.PurchaseProblems(), "\n")
	for _, want := range []string{
		"orphan: order-api order.Order/CreateOrder",
		"order-rpc order.Order/CreateOrder: parent order-api /order/v1/orders, want its caller's client span",
		"order-rpc never handled payment.succeeded",
		"no span from [user-api user-rpc payment-api payment-rpc]",
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("problems do not say %q:\n%s", want, problems)
		}
	}
}
