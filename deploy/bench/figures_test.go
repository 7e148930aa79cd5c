package main

import (
	"strings"
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

func TestParseStatuses_CountsWhatTheScriptPrints(t *testing.T) {
	out := wrkReport + "status 200: 4100\nstatus 503: 12\nstatus 429: 3\n"
	got := parseStatuses(out)
	if got[200] != 4100 || got[503] != 12 || got[429] != 3 || len(got) != 3 {
		t.Fatalf("statuses %v", got)
	}
	if s := formatNonOK(nonOK(got)); s != "(429: 3, 503: 12)" {
		t.Fatalf("non-2xx %q", s)
	}
	if s := formatNonOK(nonOK(map[int]int{200: 5})); s != "" {
		t.Fatalf("no non-2xx printed as %q", s)
	}
}

func TestWrkScript_TakesTurnsWithTokensAndCountsStatuses(t *testing.T) {
	s := wrkScript("POST", []string{"a", "b"}, []int64{7, 8}, true)
	for _, want := range []string{`local tokens = {"a","b"}`, "local ids = {7,8}", "Content-Type", `response = function(status`} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q:\n%s", want, s)
		}
	}
	if s := wrkScript("GET", []string{"a"}, nil, false); strings.Contains(s, "response") || strings.Contains(s, "ids") {
		t.Errorf("a GET script without counting has a body or a response callback:\n%s", s)
	}
}
