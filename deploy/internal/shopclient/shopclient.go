// Package shopclient is how the tools under deploy/ (bench, hafaults) call the gateways: JSON in
// and out, a bearer token, extra headers, and the status of every answer. The raw-socket load
// generator of bench (load.go) is not built on it: it replays prepared bytes to measure the
// services, not itself.
package shopclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"go.opentelemetry.io/otel/propagation"
)

// Request is one call to a gateway.
type Request struct {
	Method string
	URL    string
	Token  string            // sent as "Authorization: Bearer <Token>" when set
	Body   any               // sent as JSON when not nil; a string is sent as it is
	Header map[string]string // X-Forwarded-For, Idempotency-Key…
}

// StatusError is a non-2xx answer.
type StatusError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, e.Body)
}

// Do sends r with hc. A 2xx answer's body is decoded into out (nil: ignored); any other answer is
// a *StatusError. It returns the status, 0 when there was no answer.
func Do(ctx context.Context, hc *http.Client, r Request, out any) (int, error) {
	var body io.Reader
	switch b := r.Body.(type) {
	case nil:
	case string:
		body = bytes.NewReader([]byte(b))
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return 0, fmt.Errorf("%s %s: encode body: %w", r.Method, r.URL, err)
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	// A caller's trace (testkit.NewClientTrace) goes along as W3C traceparent.
	propagation.TraceContext{}.Inject(ctx, propagation.HeaderCarrier(req.Header))
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, fmt.Errorf("%s %s: read answer: %w", r.Method, req.URL.Path, err)
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, &StatusError{Method: r.Method, Path: req.URL.Path, Status: resp.StatusCode, Body: string(raw)}
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decode answer: %w", r.Method, req.URL.Path, err)
		}
	}
	return resp.StatusCode, nil
}
