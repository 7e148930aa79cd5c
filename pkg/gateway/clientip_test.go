package gateway

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zeromicro/go-zero/core/logx/logtest"
)

func TestClientIP(t *testing.T) {
	cases := []struct {
		name    string
		trusted []string
		peer    string
		xff     []string
		want    string
	}{
		{"no proxies configured: the peer, whatever it says", nil, "198.51.100.1:5000", []string{"1.2.3.4"}, "198.51.100.1"},
		{"untrusted peer", []string{"10.0.0.0/8"}, "198.51.100.1:5000", []string{"1.2.3.4"}, "198.51.100.1"},
		{"trusted peer, one hop", []string{"10.0.0.0/8"}, "10.0.0.5:5000", []string{"203.0.113.7"}, "203.0.113.7"},
		{"client prepends a lie", []string{"10.0.0.0/8"}, "10.0.0.5:5000", []string{"1.2.3.4, 203.0.113.7"}, "203.0.113.7"},
		{"chain of trusted proxies", []string{"10.0.0.0/8"}, "10.0.0.5:5000", []string{"203.0.113.7, 10.1.1.1"}, "203.0.113.7"},
		{"several headers", []string{"10.0.0.0/8"}, "10.0.0.5:5000", []string{"1.2.3.4", "203.0.113.7"}, "203.0.113.7"},
		{"garbage hop", []string{"10.0.0.0/8"}, "10.0.0.5:5000", []string{"1.2.3.4, not-an-ip"}, "10.0.0.5"},
		{"no header", []string{"10.0.0.0/8"}, "10.0.0.5:5000", nil, "10.0.0.5"},
		{"only trusted hops", []string{"10.0.0.0/8"}, "10.0.0.5:5000", []string{"10.9.9.9"}, "10.9.9.9"},
		{"single trusted host", []string{"127.0.0.1"}, "127.0.0.1:5000", []string{"203.0.113.7"}, "203.0.113.7"},
		{"IPv6 proxy", []string{"fd00::/8"}, "[fd00::1]:5000", []string{"2001:db8::7"}, "2001:db8::7"},
		{"IPv4-mapped peer", []string{"10.0.0.0/8"}, "[::ffff:10.0.0.5]:5000", []string{"203.0.113.7"}, "203.0.113.7"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := NewClientIPResolver(tc.trusted)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.peer
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := res.ClientIP(r); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestNew_RejectsBadCIDRs(t *testing.T) {
	for _, bad := range []string{"10.0.0.0/33", "example.com", "10.0.0"} {
		if _, err := NewClientIPResolver([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := NewClientIPResolver([]string{"", " 10.0.0.0/8 "}); err != nil {
		t.Errorf("blank and padded entries: %v", err)
	}
}

// A forwarded request while no proxy is trusted is what a gateway behind an unconfigured proxy
// sees: it is said loudly, but once a minute, not per request.
func TestClientIP_WarnsOfForwardedRequestsWhenNoProxyIsTrusted(t *testing.T) {
	logs := logtest.NewCollector(t)
	res, _ := NewClientIPResolver(nil)
	for range 3 {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "10.244.1.7:4000"
		r.Header.Set("X-Forwarded-For", "203.0.113.9")
		if got := res.ClientIP(r); got != "10.244.1.7" {
			t.Fatalf("client %s, want the peer", got)
		}
	}
	if n := strings.Count(logs.String(), "no proxy is trusted"); n != 1 {
		t.Errorf("%d warnings for 3 forwarded requests, want 1:\n%s", n, logs)
	}
}
