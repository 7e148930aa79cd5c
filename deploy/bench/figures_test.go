package main

import (
	"testing"
	"time"
)

// wrk's --latency report, as wrk 4.2 prints it.
const wrkReport = `Running 10s test @ http://127.0.0.1:8889/order/v1/products
  2 threads and 32 connections
  Latency Distribution
     50%  850.00us
     75%    1.20ms
     90%    2.50ms
     99%    1.10s
  41234 requests in 10.00s, 12.34MB read
  Socket errors: connect 1, read 2, write 3, timeout 4
  Non-2xx or 3xx responses: 5
Requests/sec:   4123.40
Transfer/sec:      1.23MB
`

func TestParseWrk_ReadsRateLatenciesAndErrors(t *testing.T) {
	r := parseWrk("baseline", "GET /order/v1/products", 32, wrkReport)
	if r.RPS != 4123.40 || r.P50ms != 0.85 || r.P90ms != 2.5 || r.P99ms != 1100 {
		t.Fatalf("rate and latencies: %+v", r)
	}
	if r.Errors != 5+1+2+3+4 {
		t.Fatalf("errors %d, want the non-2xx answers and every socket error (15)", r.Errors)
	}
}

func TestMedianAndPct(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median of 3 = %v", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median of 4 = %v", m)
	}
	lat := []time.Duration{4 * time.Millisecond, time.Millisecond, 3 * time.Millisecond, 2 * time.Millisecond}
	if p := pct(lat, 50); p != 2 {
		t.Errorf("p50 = %v ms, want 2", p)
	}
}
