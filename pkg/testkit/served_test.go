package testkit

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMetric_ReadsASeriesAndReportsAnUnreadableEndpoint(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("# HELP x\nzeromall_breaker_rejected_total{breaker=\"route\"} 7\n"))
	}))
	svc := &Service{Process: &Process{Name: "order-api"}, DevAddr: strings.TrimPrefix(srv.URL, "http://")}
	if v, err := svc.Metric(`zeromall_breaker_rejected_total{breaker="route"}`); v != 7 || err != nil {
		t.Fatalf("present series: %v, %v; want 7", v, err)
	}
	if v, err := svc.Metric(`zeromall_breaker_rejected_total{breaker="rpc_client"}`); v != 0 || err != nil {
		t.Fatalf("absent series: %v, %v; want 0, no error", v, err)
	}
	srv.Close()
	if _, err := svc.Metric(`zeromall_breaker_rejected_total{breaker="route"}`); err == nil || !strings.Contains(err.Error(), "order-api") {
		t.Fatalf("unreachable /metrics: %v, want an error naming the service", err)
	}
}
