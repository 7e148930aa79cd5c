package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The p99 of a window is the nearest-rank one (of 100 samples, not the slowest), and every
// failure is counted by kind.
func TestWindow_CountsFailuresAndTakesTheNearestRankP99(t *testing.T) {
	rec := &recorder{}
	start := time.Now()
	for i := 1; i <= 100; i++ {
		rec.add(sample{at: start.Add(time.Duration(i) * time.Millisecond), write: i%2 == 0, ok: i > 3,
			latency: time.Duration(i) * time.Millisecond})
	}
	w := rec.window(start, start.Add(time.Second))
	if w.reads != 50 || w.writes != 50 || w.readErrors != 2 || w.writeErrors != 1 || w.okWrites != 49 {
		t.Fatalf("window %+v", w)
	}
	if w.p99 != 99*time.Millisecond {
		t.Fatalf("p99 %s, want 99ms (the 99th of 100 samples)", w.p99)
	}
}

// A shopper whose access token ran out logs in again and its request goes through; the run
// records the request once, as the success it became.
func TestCall_LogsInAgainWhenTheTokenRanOut(t *testing.T) {
	logins := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/login":
			logins++
			_ = json.NewEncoder(w).Encode(map[string]string{"accessToken": "fresh"})
		case r.Header.Get("Authorization") != "Bearer fresh":
			w.WriteHeader(http.StatusUnauthorized)
		default:
			_, _ = w.Write([]byte(`{}`))
		}
	}))
	defer srv.Close()
	sh := shopper{ip: "10.77.0.1", acct: &account{login: srv.URL + "/login", token: "expired"}}
	rec := &recorder{}
	if !rec.call(context.Background(), sh, false, http.MethodGet, srv.URL+"/me", nil, nil) {
		t.Fatal("the call failed after logging in again")
	}
	if logins != 1 || sh.acct.current() != "fresh" || len(rec.samples) != 1 || !rec.samples[0].ok {
		t.Fatalf("logins %d, token %q, samples %+v", logins, sh.acct.current(), rec.samples)
	}
}
