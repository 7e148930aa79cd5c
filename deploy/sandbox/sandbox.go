package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"zeromall/pkg/signature"
	"zeromall/pkg/xerr"

	"go.opentelemetry.io/otel/propagation"
)

// Provider is the simulated payment provider. It knows the shop only as a real provider does:
// payment-api's HTTP address, where it asks about a payment (as the buyer) and sends its signed
// callback.
type Provider struct {
	PaymentAPI string // e.g. http://127.0.0.1:8890
	Secret     []byte // the callback secret payment-api checks (PAYMENT_CALLBACK_SECRET)
	Client     *http.Client
}

// paymentView is what the provider reads of GET /payment/v1/payments/:sn.
type paymentView struct {
	Sn     string `json:"sn"`
	Status string `json:"status"`
	Amount int64  `json:"amount"`
}

// callback is the body a provider posts to /payment/v1/callback (doc/api/payment.md).
type callback struct {
	PaymentSn string `json:"paymentSn"`
	TradeNo   string `json:"tradeNo"`
	Status    string `json:"status"`
	Amount    int64  `json:"amount"`
	PaidAt    int64  `json:"paidAt"`
}

// Handler serves POST /sandbox/pay/{sn} (the payUrl payment-api hands buyers in development)
// and GET /healthz.
func (p *Provider) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /sandbox/pay/{sn}", p.pay)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	return mux
}

// pay takes the buyer's money (here: nothing) for one pending payment, then notifies the shop
// the way a real provider does: a signed POST to its callback. The buyer's own token asks
// payment-api about the payment, so only its owner can pay it (401 without a token, 404 for
// another buyer's). The answer is the payment as payment-api then shows it.
//
// Every answer carries the X-Trace-Id of payment-api's answer behind it, so a buyer's report
// names a trace the shop can find. A buyer's W3C trace context is passed on to payment-api, the
// callback included, so a walkthrough (purchase.sh) stays one trace; a real provider starts its own.
func (p *Provider) pay(w http.ResponseWriter, r *http.Request) {
	sn := r.PathValue("sn")
	auth := r.Header.Get("Authorization")
	ctx := propagation.TraceContext{}.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
	r = r.WithContext(ctx)
	got, err := p.get(r.Context(), sn, auth)
	if err != nil {
		writeError(w, got, xerr.ErrProviderFailed.WithMsgf("ask payment-api: %v", err))
		return
	}
	var view paymentView
	if got.status != http.StatusOK || json.Unmarshal(got.body, &view) != nil {
		relay(w, got) // 401, 404, 503…: payment-api's own answer
		return
	}
	if view.Status != "pending" {
		writeError(w, got, xerr.ErrPaymentSettled.WithMsgf("payment is %s", view.Status))
		return
	}
	if err := p.notify(r.Context(), view); err != nil {
		writeError(w, got, xerr.ErrProviderFailed.WithMsgf("callback: %v", err))
		return
	}
	if got, err = p.get(r.Context(), sn, auth); err != nil {
		writeError(w, got, xerr.ErrProviderFailed.WithMsgf("ask payment-api: %v", err))
		return
	}
	relay(w, got)
}

// answer is one of payment-api's answers.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (p *Provider) get(ctx context.Context, sn, auth string) (answer, error) {
	//nolint:gosec // the configured payment-api; sn is path-escaped
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.PaymentAPI+"/payment/v1/payments/"+url.PathEscape(sn), nil)
	if err != nil {
		return answer{}, fmt.Errorf("build request: %w", err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return p.do(req)
}

func (p *Provider) notify(ctx context.Context, view paymentView) error {
	tradeNo, err := newTradeNo()
	if err != nil {
		return err
	}
	body, err := json.Marshal(callback{
		PaymentSn: view.Sn, TradeNo: tradeNo, Status: "succeeded", Amount: view.Amount, PaidAt: time.Now().Unix(),
	})
	if err != nil {
		return fmt.Errorf("encode callback: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.PaymentAPI+"/payment/v1/callback", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build callback: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signature.Header, signature.Sign(p.Secret, body))
	got, err := p.do(req)
	if err != nil {
		return err
	}
	if got.status != http.StatusOK {
		return fmt.Errorf("answered %d: %s", got.status, strings.TrimSpace(string(got.body)))
	}
	return nil
}

func (p *Provider) do(req *http.Request) (answer, error) {
	propagation.TraceContext{}.Inject(req.Context(), propagation.HeaderCarrier(req.Header))
	resp, err := p.Client.Do(req) //nolint:gosec // only ever the configured payment-api
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return answer{status: resp.StatusCode, header: resp.Header, body: body}, err
}

const traceHeader = "X-Trace-Id"

// relay sends payment-api's answer on, with its trace id.
func relay(w http.ResponseWriter, a answer) {
	w.Header().Set("Content-Type", "application/json")
	if id := a.header.Get(traceHeader); id != "" {
		w.Header().Set(traceHeader, id)
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body) //nolint:gosec // payment-api's own JSON answer, sent as application/json
}

// writeError answers ce, with the trace id of payment-api's answer behind it (after, if any).
func writeError(w http.ResponseWriter, after answer, ce *xerr.CodeError) {
	body, _ := json.Marshal(map[string]any{"code": ce.Code, "msg": ce.Msg})
	relay(w, answer{status: ce.HTTPStatus, header: after.header, body: body})
}

func newTradeNo() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("trade number: %w", err)
	}
	return "SBX" + hex.EncodeToString(b), nil
}
