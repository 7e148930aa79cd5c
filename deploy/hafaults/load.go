package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"zeromall/deploy/internal/loadstat"
	"zeromall/deploy/internal/shopclient"
	"zeromall/deploy/internal/statusword"
)

const (
	userAPI    = "http://127.0.0.1:8888"
	orderAPI   = "http://127.0.0.1:8889"
	paymentAPI = "http://127.0.0.1:8890"
	// purchaseTries bounds how often a buyer repeats one step of a purchase (with the same
	// Idempotency-Key, or on an idempotent call) before giving the purchase up.
	purchaseTries = 20
)

var client = &http.Client{
	Timeout:   10 * time.Second,
	Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second},
}

// sample is one request as its client saw it.
type sample struct {
	at      time.Time
	write   bool
	ok      bool
	status  int // the HTTP status; 0 when no answer came
	latency time.Duration
	failure string // what failed, for the timeline: "GET /user/v1/me 503 1503"
}

// acked is a write the shop acknowledged: an order created, or an order's payment confirmed.
type acked struct {
	at        time.Time
	buyer     shopper
	sn        string // the order's
	paid      bool
	paymentSn string // when paid
}

type recorder struct {
	mu      sync.Mutex
	samples []sample
	acks    []acked
}

func (r *recorder) add(s sample) {
	r.mu.Lock()
	r.samples = append(r.samples, s)
	r.mu.Unlock()
}

func (r *recorder) ack(a acked) {
	r.mu.Lock()
	r.acks = append(r.acks, a)
	r.mu.Unlock()
}

// window is what clients saw between from and to.
type window struct {
	reads, writes           int
	readErrors, writeErrors int
	p99                     time.Duration
	firstError, lastError   time.Time
	lastWriteError          time.Time
	okWrites                int
	acks                    []acked
}

func (r *recorder) window(from, to time.Time) window {
	r.mu.Lock()
	defer r.mu.Unlock()
	var w window
	var lat []time.Duration
	for _, s := range r.samples {
		if s.at.Before(from) || s.at.After(to) {
			continue
		}
		lat = append(lat, s.latency)
		if s.write {
			w.writes++
		} else {
			w.reads++
		}
		if s.ok {
			if s.write {
				w.okWrites++
			}
			continue
		}
		if s.write {
			w.writeErrors++
			w.lastWriteError = s.at
		} else {
			w.readErrors++
		}
		if w.firstError.IsZero() {
			w.firstError = s.at
		}
		w.lastError = s.at
	}
	w.p99 = loadstat.Percentile(lat, 99)
	for _, a := range r.acks {
		if !a.at.Before(from) && !a.at.After(to) {
			w.acks = append(w.acks, a)
		}
	}
	return w
}

// timeline prints, one line per second from from to to, the reads and writes that succeeded and
// the failed requests by route, status and code (status 0: no answer).
func (r *recorder) timeline(from, to time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for sec := from; sec.Before(to); sec = sec.Add(time.Second) {
		okReads, okWrites, failed := 0, 0, map[string]int{}
		for _, s := range r.samples {
			if s.at.Before(sec) || !s.at.Before(sec.Add(time.Second)) {
				continue
			}
			switch {
			case s.ok && s.write:
				okWrites++
			case s.ok:
				okReads++
			default:
				failed[s.failure]++
			}
		}
		fmt.Printf("    t+%2.0fs reads ok %3d, writes ok %2d, failed %v\n", sec.Sub(from).Seconds(), okReads, okWrites, failed)
	}
}

var errorCode = regexp.MustCompile(`"code":\s*(\d+)`)

// describe names a failed request for the timeline: its route (ids left out), its status and the
// error code of its body.
func describe(method, rawURL string, status int, err error) string {
	route := rawURL
	if u, perr := url.Parse(rawURL); perr == nil {
		route = u.Path
	}
	if parts := strings.SplitN(route, "/", 5); len(parts) > 4 { // "/order/v1/orders/<sn>…"
		route = strings.Join(parts[:4], "/")
	}
	code := ""
	var se *shopclient.StatusError
	if errors.As(err, &se) {
		if m := errorCode.FindStringSubmatch(se.Body); m != nil {
			code = " " + m[1]
		}
	}
	return fmt.Sprintf("%s %s %d%s", method, route, status, code)
}

type shopper struct {
	ip   string   // the client address it calls from, as HAProxy forwards it
	acct *account // nil until signed up
}

// account is a shopper's credentials and current access token, shared by its loops.
type account struct {
	login string // user-api's login URL
	creds map[string]string
	mu    sync.Mutex
	token string
}

func (a *account) current() string {
	if a == nil {
		return ""
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.token
}

// call sends one request and records it; the answer's body is decoded into out when it is 2xx.
// A 401 while signed in means the access token ran out (a long run outlives it): the shopper logs
// in again and the request is sent once more; only that outcome is recorded.
func (r *recorder) call(ctx context.Context, sh shopper, write bool, method, target string, body, out any, header ...string) bool {
	req := shopclient.Request{Method: method, URL: target, Body: body, Header: map[string]string{"X-Forwarded-For": sh.ip}}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header[header[i]] = header[i+1]
	}
	start := time.Now()
	req.Token = sh.acct.current()
	status, err := shopclient.Do(ctx, client, req, out)
	if status == http.StatusUnauthorized && req.Token != "" && sh.relogin(ctx, req.Token) {
		req.Token = sh.acct.current()
		status, err = shopclient.Do(ctx, client, req, out)
	}
	if ctx.Err() != nil { // the run ended mid-request: not the shop's answer
		return false
	}
	smp := sample{at: start, write: write, ok: err == nil, status: status, latency: time.Since(start)}
	if err != nil {
		smp.failure = describe(method, target, status, err)
	}
	r.add(smp)
	return err == nil
}

// relogin logs sh in again unless another loop already replaced the stale token.
func (sh shopper) relogin(ctx context.Context, stale string) bool {
	a := sh.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token != stale {
		return true
	}
	var login struct {
		AccessToken string `json:"accessToken"`
	}
	_, err := shopclient.Do(ctx, client, shopclient.Request{Method: http.MethodPost, URL: a.login,
		Body: a.creds, Header: map[string]string{"X-Forwarded-For": sh.ip}}, &login)
	if err != nil {
		return false
	}
	a.token = login.AccessToken
	return true
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// signUp registers and logs in one shopper.
func signUp(ctx context.Context, i int) (shopper, error) {
	sh := shopper{ip: fmt.Sprintf("10.77.%d.%d", i/250, i%250+1)}
	email := fmt.Sprintf("ha-%s-%d@example.com", randomHex(4), i)
	creds := map[string]string{"email": email, "password": "correct horse battery", "nickname": "HA"}
	var scratch recorder
	if !scratch.call(ctx, sh, true, http.MethodPost, userAPI+"/user/v1/register", creds, nil) {
		return sh, fmt.Errorf("register %s failed", email)
	}
	var login struct {
		AccessToken string `json:"accessToken"`
	}
	if !scratch.call(ctx, sh, true, http.MethodPost, userAPI+"/user/v1/login", creds, &login) {
		return sh, fmt.Errorf("login %s failed", email)
	}
	sh.acct = &account{login: userAPI + "/user/v1/login", creds: creds, token: login.AccessToken}
	return sh, nil
}

// every runs fn every period until ctx ends (fn's own time included).
func every(ctx context.Context, period time.Duration, fn func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// browse is one reader's loop: its profile, the catalogue, a product page and its orders.
func (r *recorder) browse(ctx context.Context, sh shopper, product int64, period time.Duration) {
	urls := []string{
		userAPI + "/user/v1/me",
		orderAPI + "/order/v1/products?limit=20",
		fmt.Sprintf("%s/order/v1/products/%d", orderAPI, product),
		orderAPI + "/order/v1/orders?page=1&pageSize=10",
	}
	i := 0
	every(ctx, period, func() {
		r.call(ctx, sh, false, http.MethodGet, urls[i%len(urls)], nil, nil)
		i++
	})
}

// buy is one buyer's loop of whole purchases: order (with an Idempotency-Key), open the payment,
// pay at the sandbox provider. Each step is repeated until it is answered 2xx, as a real client
// would; every answer counts, and only what was answered 2xx is acknowledged.
func (r *recorder) buy(ctx context.Context, sh shopper, product int64, period time.Duration) {
	every(ctx, period, func() {
		key := "ha-" + randomHex(8)
		var order struct {
			Sn string `json:"sn"`
		}
		body := map[string]any{"items": []map[string]any{{"productId": product, "quantity": 1}}}
		if !r.retry(ctx, func() bool {
			return r.call(ctx, sh, true, http.MethodPost, orderAPI+"/order/v1/orders", body, &order, "Idempotency-Key", key)
		}) || order.Sn == "" {
			return
		}
		r.ack(acked{at: time.Now(), buyer: sh, sn: order.Sn})
		var payment struct {
			Sn     string `json:"sn"`
			PayURL string `json:"payUrl"`
		}
		if !r.retry(ctx, func() bool {
			return r.call(ctx, sh, true, http.MethodPost, paymentAPI+"/payment/v1/payments", map[string]string{"orderSn": order.Sn}, &payment)
		}) {
			return
		}
		// After a failed attempt a client asks how its payment stands before paying again: the
		// attempt may have gone through (a provider does not take the same payment twice).
		paid := r.retry(ctx, func() bool {
			if r.call(ctx, sh, true, http.MethodPost, payment.PayURL, nil, nil) {
				return true
			}
			var st struct {
				Status string `json:"status"`
			}
			return r.call(ctx, sh, false, http.MethodGet, paymentAPI+"/payment/v1/payments/"+payment.Sn, nil, &st) &&
				st.Status == statusword.PaymentSucceeded
		})
		if paid {
			r.ack(acked{at: time.Now(), buyer: sh, sn: order.Sn, paid: true, paymentSn: payment.Sn})
		}
	})
}

func (r *recorder) retry(ctx context.Context, step func() bool) bool {
	for i := 0; i < purchaseTries && ctx.Err() == nil; i++ {
		if step() {
			return true
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
	return false
}
