package overload

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/rest"
)

// Regression test: a shed request gets the 503 {code,msg}, costs a counter and
// writes no log line.
func TestGate_RejectionWritesNoLogLineAndCounts(t *testing.T) {
	var logged bytes.Buffer
	logx.SetWriter(logx.NewWriter(&logged))
	defer logx.Reset()

	release, entered := make(chan struct{}), make(chan struct{}, 1)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			entered <- struct{}{}
			<-release
		}
		w.WriteHeader(http.StatusOK)
	})
	c := fixedConfig(1)
	c.MaxWait = 0
	gate := NewGate([]rest.Route{{Method: http.MethodGet, Path: "/slow"}, {Method: http.MethodGet, Path: "/items/:id"}}, c, true)
	srv := httptest.NewServer(gate.Handler(handler))
	defer srv.Close()

	held := make(chan int)
	go func() { held <- get(t, srv.URL+"/slow").status }()
	<-entered
	lane := "GET /slow"
	before := testutil.ToFloat64(rejectedTotal.WithLabelValues(lane, ReasonQueueFull))
	const rejections = 50
	for range rejections {
		resp := get(t, srv.URL+"/slow")
		var body struct {
			Code int
			Msg  string
		}
		if resp.status != http.StatusServiceUnavailable || json.Unmarshal(resp.body, &body) != nil || body.Code != 1503 || body.Msg == "" {
			t.Fatalf("got %d %s, want 503 with code 1503", resp.status, resp.body)
		}
		if resp.header.Get("Retry-After") == "" {
			t.Fatal("a rejection carries no Retry-After")
		}
	}
	if got := testutil.ToFloat64(rejectedTotal.WithLabelValues(lane, ReasonQueueFull)) - before; got != rejections {
		t.Fatalf("rejected counter rose by %v, want %d", got, rejections)
	}
	if logged.Len() != 0 {
		t.Fatalf("rejections wrote log lines:\n%s", logged.String())
	}
	// Other routes have their own lanes; unknown paths pass through untouched.
	if code := get(t, srv.URL+"/items/7").status; code != http.StatusOK {
		t.Fatalf("another route got %d while /slow was saturated", code)
	}
	if code := get(t, srv.URL+"/nowhere").status; code != http.StatusOK {
		t.Fatalf("an unrouted path got %d from the gate", code)
	}
	close(release)
	if code := <-held; code != http.StatusOK {
		t.Fatalf("the admitted request got %d", code)
	}

	// The summary is the one line the rejections cost, once per interval.
	summarize()
	if !bytes.Contains(logged.Bytes(), []byte("overload: GET /slow rejected 50 requests")) {
		t.Fatalf("no summary line for the rejections:\n%s", logged.String())
	}
}

func TestGate_RouteBreakerOpensOnServerErrorsWithoutLogging(t *testing.T) {
	var logged bytes.Buffer
	logx.SetWriter(logx.NewWriter(&logged))
	defer logx.Reset()

	var served int
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		served++
		w.WriteHeader(http.StatusInternalServerError)
	})
	gate := NewGate([]rest.Route{{Method: http.MethodPost, Path: "/t/" + t.Name()}}, DefaultConfig(), true)
	srv := httptest.NewServer(gate.Handler(handler))
	defer srv.Close()
	rejected := 0
	for range 400 {
		resp, err := http.Post(srv.URL+"/t/"+t.Name(), "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			rejected++
		}
	}
	if rejected == 0 || served+rejected != 400 {
		t.Fatalf("served %d, rejected %d of 400 failing requests: the breaker never opened", served, rejected)
	}
	if got := testutil.ToFloat64(rejectedTotal.WithLabelValues("POST /t/"+t.Name(), ReasonBreaker)); got != float64(rejected) {
		t.Fatalf("breaker counter %v, want %d", got, rejected)
	}
	// go-zero's breaker reports its opening once (an alert with the last errors); no line per
	// rejected request follows.
	if lines := bytes.Count(logged.Bytes(), []byte("\n")); lines > 1 {
		t.Fatalf("%d rejections wrote %d log lines:\n%s", rejected, lines, logged.String())
	}
}

// A 503 or 504 from beneath (an rpc breaker, a shedder, an rpc deadline) is counted by the rpc
// client's breaker: the route's breaker lets every such request through.
func TestGate_RouteBreakerLeavesTimeoutsAndRefusalsToTheBreakersBeneath(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		path := fmt.Sprintf("/t/%s/%d", t.Name(), status)
		served := 0
		handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			served++
			w.WriteHeader(status)
		})
		gate := NewGate([]rest.Route{{Method: http.MethodPost, Path: path}}, DefaultConfig(), true)
		srv := httptest.NewServer(gate.Handler(handler))
		for range 400 {
			resp, err := http.Post(srv.URL+path, "application/json", nil)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
		}
		srv.Close()
		if served != 400 {
			t.Errorf("%d answers: the route's breaker refused %d of 400 requests", status, 400-served)
		}
	}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, url string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Error(err)
		return answer{}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return answer{}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: body}
}
