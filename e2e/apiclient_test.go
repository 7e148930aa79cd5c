package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"zeromall/e2e/apiclient/orderapi"
	"zeromall/e2e/apiclient/paymentapi"
	"zeromall/e2e/apiclient/userapi"
	"zeromall/pkg/testkit"
)

// contractDoer is the generated clients' HTTP client: httpClient, with every exchange checked
// against doc/api like the hand-written calls (contract_test.go).
type contractDoer struct{}

func (contractDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := httpClient.Do(req) //nolint:gosec // the test's own gateways, on loopback
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	return resp, checkContract(req, resp.StatusCode, resp.Header, raw)
}

func bearer(token string) func(context.Context, *http.Request) error {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
}

// expectStatus fails unless a generated client's call succeeded with the status wanted.
func expectStatus(t *testing.T, what string, err error, status int, body []byte, want int) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if status != want {
		t.Fatalf("%s: %d %s, want %d", what, status, body, want)
	}
}

// generatedClientsRunThePurchase drives the shop only through the typed clients oapi-codegen made
// from doc/api (make gen writes them to e2e/apiclient): a partner team's first day. Error answers
// decode into the generated per-route types, whose codes are the ones the files list.
func (e *paymentEnv) generatedClientsRunThePurchase(t *testing.T) {
	ctx := context.Background()
	users, err := userapi.NewClientWithResponses(e.users.base, userapi.WithHTTPClient(contractDoer{}))
	if err != nil {
		t.Fatal(err)
	}
	shop, err := orderapi.NewClientWithResponses(e.base, orderapi.WithHTTPClient(contractDoer{}))
	if err != nil {
		t.Fatal(err)
	}
	pay, err := paymentapi.NewClientWithResponses(e.pay, paymentapi.WithHTTPClient(contractDoer{}))
	if err != nil {
		t.Fatal(err)
	}

	email := uniqueEmail("gen")
	reg, err := users.AccountRegisterWithResponse(ctx, userapi.RegisterReq{Email: email, Password: "correct horse", Nickname: "Partner"})
	expectStatus(t, "register", err, reg.StatusCode(), reg.Body, http.StatusOK)
	token := e.users.keepToken(reg.JSON200.AccessToken)
	auth := bearer(token)
	e.users.keepToken(reg.JSON200.RefreshToken)

	me, err := users.ProfileGetMeWithResponse(ctx, auth)
	expectStatus(t, "GET /me", err, me.StatusCode(), me.Body, http.StatusOK)
	if me.JSON200.Email != email || me.JSON200.Id != reg.JSON200.Id {
		t.Fatalf("/me is %+v, want %s (id %d)", *me.JSON200, email, reg.JSON200.Id)
	}

	limit := 100
	page, err := shop.CatalogueListProductsWithResponse(ctx, &orderapi.CatalogueListProductsParams{Limit: &limit})
	expectStatus(t, "products", err, page.StatusCode(), page.Body, http.StatusOK)
	var product *orderapi.Product
	for i := range page.JSON200.Items {
		if page.JSON200.Items[i].Stock > 0 {
			product = &page.JSON200.Items[i]
			break
		}
	}
	if product == nil {
		t.Fatalf("no product in stock on the first page: %s", page.Body)
	}

	key := fmt.Sprintf("gen-%d", time.Now().UnixNano())
	order, err := shop.OrdersCreateOrderWithResponse(ctx, &orderapi.OrdersCreateOrderParams{IdempotencyKey: &key},
		orderapi.CreateOrderReq{Items: []orderapi.ItemReq{{ProductId: product.Id, Quantity: 2}}}, auth)
	expectStatus(t, "create order", err, order.StatusCode(), order.Body, http.StatusOK)
	if o := order.JSON200; o.Status != "pending" || o.TotalAmount != 2*product.Price || o.PaidAt != nil {
		t.Fatalf("new order is %+v, want pending, %d cents, no paidAt", *o, 2*product.Price)
	}

	payment, err := pay.PaymentsCreatePaymentWithResponse(ctx, paymentapi.CreatePaymentReq{OrderSn: order.JSON200.Sn}, auth)
	expectStatus(t, "create payment", err, payment.StatusCode(), payment.Body, http.StatusOK)
	if payment.JSON200.Amount != order.JSON200.TotalAmount {
		t.Fatalf("payment of %d cents for an order of %d", payment.JSON200.Amount, order.JSON200.TotalAmount)
	}
	// The buyer pays at the provider: the sandbox, outside the API, so outside the clients.
	if paid := call(t, http.MethodPost, *payment.JSON200.PayUrl, token, nil); paid.Status != http.StatusOK || paid.str("status") != "succeeded" {
		t.Fatalf("sandbox pay answered %d %s", paid.Status, paid.Raw)
	}
	testkit.Eventually(t, 10*time.Second, "the order to be paid", func() bool {
		got, err := shop.OrdersGetOrderWithResponse(ctx, order.JSON200.Sn, auth)
		return err == nil && got.JSON200 != nil && got.JSON200.Status == "paid" && got.JSON200.PaidAt != nil
	})

	// Errors, decoded into the generated types.
	anon, err := users.ProfileGetMeWithResponse(ctx)
	expectStatus(t, "GET /me without a token", err, anon.StatusCode(), anon.Body, http.StatusUnauthorized)
	if anon.JSON401.Code != userapi.ProfileGetMe401JSONResponseBodyCodeN1401 {
		t.Errorf("GET /me without a token: code %d", anon.JSON401.Code)
	}
	wrong, err := users.AccountLoginWithResponse(ctx, userapi.LoginReq{Email: email, Password: "wrong horse"})
	expectStatus(t, "login with a wrong password", err, wrong.StatusCode(), wrong.Body, http.StatusUnauthorized)
	if wrong.JSON401.Code != userapi.AccountLogin401JSONResponseBodyCodeN2002 {
		t.Errorf("login with a wrong password: code %d", wrong.JSON401.Code)
	}
	unknown, err := shop.CatalogueGetProductWithResponse(ctx, 1<<40)
	expectStatus(t, "an unknown product", err, unknown.StatusCode(), unknown.Body, http.StatusNotFound)
	if unknown.JSON404.Code != orderapi.CatalogueGetProduct404JSONResponseBodyCodeN3007 {
		t.Errorf("an unknown product: code %d", unknown.JSON404.Code)
	}
	empty, err := shop.OrdersCreateOrderWithResponse(ctx, nil, orderapi.CreateOrderReq{Items: []orderapi.ItemReq{}}, auth)
	expectStatus(t, "an empty order", err, empty.StatusCode(), empty.Body, http.StatusBadRequest)
	if empty.JSON400.Code != orderapi.OrdersCreateOrder400JSONResponseBodyCodeN1400 || !strings.Contains(empty.JSON400.Msg, "items") {
		t.Errorf("an empty order: %+v, want code 1400 naming items", *empty.JSON400)
	}
}
