package k8scheck

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zeromall/deploy/internal/shopclient"
	"zeromall/deploy/internal/statusword"
	"zeromall/pkg/signature"
)

// The gateways through the NodePort Services of access.yaml, on loopback.
const (
	userAPI  = "http://127.0.0.1:30888"
	orderAPI = "http://127.0.0.1:30889"
	payAPI   = "http://127.0.0.1:30890"
	password = "correct horse battery"
)

var httpc = &http.Client{Timeout: 10 * time.Second}

type shop struct {
	callbackSecret []byte
	seq            atomic.Int64
}

// call sends one request; every POST carries an Idempotency-Key, which also lets Go's transport
// resend it when a kept-alive connection was closed under it (a pod going away).
func (s *shop) call(ctx context.Context, clientIP, method, url, token string, body any, out any) (int, error) {
	h := map[string]string{"X-Forwarded-For": clientIP}
	if method == http.MethodPost {
		h["Idempotency-Key"] = fmt.Sprintf("k8s-%d-%d", time.Now().UnixNano(), s.seq.Add(1))
	}
	return shopclient.Do(ctx, httpc, shopclient.Request{Method: method, URL: url, Token: token, Body: body, Header: h}, out)
}

type buyer struct {
	email, token, ip string
}

// newBuyer registers and logs in one buyer, who comes from an address of their own (the test
// plays the ingress: the gateways trust its X-Forwarded-For).
func (s *shop) newBuyer(t *testing.T, name string) *buyer {
	t.Helper()
	n := s.seq.Add(1)
	b := &buyer{email: fmt.Sprintf("%s-%d-%d@example.com", name, time.Now().UnixNano(), n),
		ip: fmt.Sprintf("198.51.100.%d", n%250+1)}
	ctx := context.Background()
	if _, err := s.call(ctx, b.ip, "POST", userAPI+"/user/v1/register", "", map[string]string{
		"email": b.email, "password": password, "nickname": "k8s buyer"}, nil); err != nil {
		t.Fatalf("register: %v", err)
	}
	var tok struct {
		AccessToken string `json:"accessToken"`
	}
	if _, err := s.call(ctx, b.ip, "POST", userAPI+"/user/v1/login", "", map[string]string{
		"email": b.email, "password": password}, &tok); err != nil {
		t.Fatalf("login: %v", err)
	}
	b.token = tok.AccessToken
	return b
}

type order struct {
	Sn     string `json:"sn"`
	Status string `json:"status"`
}

type payment struct {
	Sn     string `json:"sn"`
	Amount int64  `json:"amount"`
	Status string `json:"status"`
}

// purchase orders one product, opens its payment and sends the provider's signed callback (the
// manifests run in production, which refuses the sandbox provider). It returns the order's sn once
// the order was acknowledged, and whether the callback was.
func (s *shop) purchase(ctx context.Context, b *buyer, productID int, count func(error)) (sn string, paid bool) {
	var o order
	err := b.post(ctx, s, orderAPI+"/order/v1/orders", map[string]any{
		"items": []map[string]int{{"productId": productID, "quantity": 1}}}, &o)
	count(err)
	if err != nil {
		return "", false
	}
	var p payment
	err = b.post(ctx, s, payAPI+"/payment/v1/payments", map[string]string{"orderSn": o.Sn}, &p)
	count(err)
	if err != nil {
		return o.Sn, false
	}
	err = s.callback(ctx, b.ip, p)
	count(err)
	return o.Sn, err == nil
}

func (b *buyer) post(ctx context.Context, s *shop, url string, body, out any) error {
	_, err := s.call(ctx, b.ip, "POST", url, b.token, body, out)
	return err
}

// callback plays the payment provider: the body signed with the secret in zeromall-secrets.
func (s *shop) callback(ctx context.Context, ip string, p payment) error {
	body, err := json.Marshal(map[string]any{"paymentSn": p.Sn, "tradeNo": "T" + p.Sn, "status": "succeeded",
		"amount": p.Amount, "paidAt": time.Now().Unix()})
	if err != nil {
		return err
	}
	_, err = shopclient.Do(ctx, httpc, shopclient.Request{Method: "POST", URL: payAPI + "/payment/v1/callback",
		Body: string(body), Header: map[string]string{
			signature.Header: signature.Sign(s.callbackSecret, body), "X-Forwarded-For": ip,
			"Idempotency-Key": "callback-" + p.Sn}}, nil)
	return err
}

func (s *shop) orderStatus(ctx context.Context, b *buyer, sn string) (string, error) {
	var o order
	_, err := s.call(ctx, b.ip, "GET", orderAPI+"/order/v1/orders/"+sn, b.token, nil, &o)
	return o.Status, err
}

// waitPaid waits until every order is paid (payment-rpc's outbox, the broker, order-rpc's consumer).
func (s *shop) waitPaid(t *testing.T, b *buyer, sns []string) {
	t.Helper()
	ctx := context.Background()
	for _, sn := range sns {
		var last string
		var err error
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if last, err = s.orderStatus(ctx, b, sn); err == nil && last == statusword.OrderPaid {
				break
			}
		}
		if last != statusword.OrderPaid {
			t.Fatalf("acknowledged and paid order %s is %q (%v), want paid", sn, last, err)
		}
	}
}

// load is a steady stream of purchases by a few buyers, each waiting a little between purchases.
type load struct {
	s       *shop
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	sent    atomic.Int64
	ok      atomic.Int64
	mu      sync.Mutex
	failed  []string
	buyers  []*buyer
	ordered [][]string // per buyer: acknowledged orders
	paid    [][]string // per buyer: orders whose callback was acknowledged
}

func (s *shop) startLoad(t *testing.T, name string, buyers int, pause time.Duration) *load {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l := &load{s: s, cancel: cancel, ordered: make([][]string, buyers), paid: make([][]string, buyers)}
	for i := range buyers {
		l.buyers = append(l.buyers, s.newBuyer(t, name))
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				// The gopher sticker pack (stock 5000) and the T-shirt (500), taking turns.
				product := 3
				if n%10 == 9 {
					product = 1
				}
				sn, paid := s.purchase(context.WithoutCancel(ctx), l.buyers[i], product, l.count)
				l.mu.Lock()
				if sn != "" {
					l.ordered[i] = append(l.ordered[i], sn)
				}
				if paid {
					l.paid[i] = append(l.paid[i], sn)
				}
				l.mu.Unlock()
				select {
				case <-ctx.Done():
				case <-time.After(pause):
				}
			}
		}()
	}
	return l
}

func (l *load) count(err error) {
	l.sent.Add(1)
	if err == nil {
		l.ok.Add(1)
		return
	}
	var se *shopclient.StatusError
	what := err.Error()
	if errors.As(err, &se) {
		what = se.Error()
	}
	l.mu.Lock()
	l.failed = append(l.failed, time.Now().Format("15:04:05.000")+" "+what)
	l.mu.Unlock()
}

// stop ends the load and checks that nothing acknowledged was lost: every acknowledged order
// exists, and every order whose callback was acknowledged becomes paid.
func (l *load) stop(t *testing.T) (sent, ok int64, failed []string) {
	t.Helper()
	l.cancel()
	l.wg.Wait()
	orders, paid := 0, 0
	for i, b := range l.buyers {
		for _, sn := range l.ordered[i] {
			if _, err := l.s.orderStatus(context.Background(), b, sn); err != nil {
				t.Errorf("acknowledged order %s: %v", sn, err)
			}
		}
		l.s.waitPaid(t, b, l.paid[i])
		orders += len(l.ordered[i])
		paid += len(l.paid[i])
	}
	logf(t, "load: %d requests sent, %d answered 2xx, %d failed; %d orders acknowledged, all found; %d paid, all paid",
		l.sent.Load(), l.ok.Load(), len(l.failed), orders, paid)
	for i, f := range l.failed {
		if i == 10 {
			logf(t, "  … %d more", len(l.failed)-10)
			break
		}
		logf(t, "  failed: %s", f)
	}
	return l.sent.Load(), l.ok.Load(), l.failed
}
