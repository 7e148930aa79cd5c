package overload

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/zeromicro/go-zero/rest"
)

// BenchmarkGate_Rejection is the gate's own cost of turning a request away (route lookup, lane,
// breaker, counter, the pre-encoded answer), without the HTTP parsing and the syscalls around it.
func BenchmarkGate_Rejection(b *testing.B) {
	c := fixedConfig(1)
	c.MaxWait = 0
	gate := NewGate([]rest.Route{{Method: http.MethodGet, Path: "/user/v1/me"}, {Method: http.MethodGet, Path: "/order/v1/orders/:sn"}}, c, true)
	h := gate.Handler(http.NotFoundHandler())
	for _, rg := range []string{"/user/v1/me"} {
		req := httptest.NewRequest(http.MethodGet, rg, nil)
		if _, ok := gate.route(req).lane.Acquire(context.Background()); !ok {
			b.Fatal("could not take the only slot")
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/user/v1/me", nil)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, req)
	}
	if w.status != http.StatusServiceUnavailable {
		b.Fatalf("status %d", w.status)
	}
}

// BenchmarkGate_Admission is what an admitted request pays the gate.
func BenchmarkGate_Admission(b *testing.B) {
	gate := NewGate([]rest.Route{{Method: http.MethodGet, Path: "/user/v1/me"}}, DefaultConfig(), true)
	h := gate.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	req := httptest.NewRequest(http.MethodGet, "/user/v1/me", nil)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}

type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(code int)        { w.status = code }
