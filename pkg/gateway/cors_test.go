package gateway

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"zeromall/pkg/confx"
)

func TestNew_ProductionRefusesWildcardsAndNonOrigins(t *testing.T) {
	for list, want := range map[string]string{
		"*":                                    "not allowed when ZEROMALL_ENV=production",
		"https://shop.example.com, *":          "not allowed when ZEROMALL_ENV=production",
		"http://localhost:*":                   "allows any port",
		"shop.example.com":                     "is not an origin",
		"https://shop.example.com/":            "is not an origin",
		"https://shop.example.com/app":         "is not an origin",
		"ftp://shop.example.com":               "is not an origin",
		"https://*.example.com":                "only the port",
		"https://user@shop.example.com":        "is not an origin",
		"https://shop.example.com:443:*":       "two ports",
		"https://a.example.com,https://b.com/": "is not an origin",
	} {
		if _, err := NewCORS(list, confx.Production); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q in production: %v, want an error saying %q", list, err, want)
		}
	}
	for _, list := range []string{"", "https://shop.example.com", "https://shop.example.com,http://localhost:5173 https://admin.example.com:8443"} {
		if _, err := NewCORS(list, confx.Production); err != nil {
			t.Errorf("%q in production: %v", list, err)
		}
	}
}

func TestNew_EmptyAllowsNothingInProductionAndLocalPagesInDevelopment(t *testing.T) {
	prod, err := NewCORS("", confx.Production)
	if err != nil || !prod.Empty() || prod.Allows("http://localhost:3000") {
		t.Fatalf("production with no list: %v, %v; it must allow no origin", prod, err)
	}
	dev, err := NewCORS("", confx.Development)
	if err != nil {
		t.Fatal(err)
	}
	for origin, want := range map[string]bool{
		"http://localhost:3000":       true,
		"http://127.0.0.1:8880":       true,
		"http://[::1]:5173":           true,
		"http://LOCALHOST:3000":       true,
		"http://localhost":            false, // no port: not a development server
		"http://localhost:3000/x":     false,
		"http://localhost:30000000":   false,
		"http://localhost:3000.evil":  false,
		"http://localhost.evil:3000":  false,
		"https://localhost:3000":      false,
		"http://evil.test:3000":       false,
		"null":                        false,
		"http://127.0.0.1:80@evil.io": false,
	} {
		if got := dev.Allows(origin); got != want {
			t.Errorf("development allows %q: %v, want %v", origin, got, want)
		}
	}
}

func TestAllows_ExactOriginsOnly(t *testing.T) {
	p, err := NewCORS("https://shop.example.com", confx.Production)
	if err != nil {
		t.Fatal(err)
	}
	for origin, want := range map[string]bool{
		"https://shop.example.com":      true,
		"https://SHOP.example.com":      true,
		"http://shop.example.com":       false, // another scheme is another origin
		"https://evil.shop.example.com": false, // nor a subdomain
		"https://shop.example.com:8443": false,
		"https://shop.example.com.evil": false,
	} {
		if got := p.Allows(origin); got != want {
			t.Errorf("allows %q: %v, want %v", origin, got, want)
		}
	}
}

// serve runs one request through the policy in front of a handler that records being reached.
func serve(t *testing.T, p *CORSPolicy, method, origin string, headers ...string) (*httptest.ResponseRecorder, bool) {
	t.Helper()
	reached := false
	h := p.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		reached = true
		w.WriteHeader(http.StatusOK)
	}))
	r := httptest.NewRequest(method, "/user/v1/me", nil)
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w, reached
}

func TestHandler(t *testing.T) {
	p, err := NewCORS("https://shop.example.com", confx.Production)
	if err != nil {
		t.Fatal(err)
	}
	preflight := []string{"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization"}

	t.Run("an allowed preflight is answered here", func(t *testing.T) {
		w, reached := serve(t, p, http.MethodOptions, "https://shop.example.com", preflight...)
		h := w.Header()
		if w.Code != http.StatusNoContent || reached {
			t.Fatalf("%d, reached the gateway: %v", w.Code, reached)
		}
		for name, want := range map[string]string{
			"Access-Control-Allow-Origin":  "https://shop.example.com",
			"Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key",
			"Access-Control-Allow-Methods": AllowedMethods,
			"Access-Control-Max-Age":       maxAge,
			"Vary":                         "Origin",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %q, want %q", name, got, want)
			}
		}
		if h.Get("Access-Control-Allow-Credentials") != "" {
			t.Error("credentials allowed: the gateways take bearer tokens, never cookies")
		}
	})
	t.Run("another origin's preflight is refused", func(t *testing.T) {
		w, reached := serve(t, p, http.MethodOptions, "https://evil.example", preflight...)
		if w.Code != http.StatusForbidden || reached || w.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("%d, reached %v, headers %v", w.Code, reached, w.Header())
		}
		if !strings.Contains(w.Body.String(), `"code":1403`) || !strings.Contains(w.Body.String(), "evil.example") {
			t.Errorf("body %s, want code 1403 naming the origin", w.Body)
		}
	})
	t.Run("an allowed page may read the answer and its trace id", func(t *testing.T) {
		w, reached := serve(t, p, http.MethodGet, "https://shop.example.com")
		if !reached || w.Header().Get("Access-Control-Allow-Origin") != "https://shop.example.com" ||
			w.Header().Get("Access-Control-Expose-Headers") != "X-Trace-Id, Retry-After" {
			t.Fatalf("reached %v, headers %v", reached, w.Header())
		}
	})
	t.Run("another origin's request gets no permission to read", func(t *testing.T) {
		w, reached := serve(t, p, http.MethodGet, "https://evil.example")
		if !reached || w.Header().Get("Access-Control-Allow-Origin") != "" || w.Header().Get("Vary") != "Origin" {
			t.Fatalf("reached %v, headers %v", reached, w.Header())
		}
	})
	t.Run("a request without Origin is untouched", func(t *testing.T) {
		w, reached := serve(t, p, http.MethodGet, "")
		if !reached || len(w.Header()) != 0 {
			t.Fatalf("reached %v, headers %v", reached, w.Header())
		}
	})
	t.Run("an OPTIONS that is no preflight goes to the router", func(t *testing.T) {
		if _, reached := serve(t, p, http.MethodOptions, "https://shop.example.com"); !reached {
			t.Fatal("not reached")
		}
	})
}

// BenchmarkPreflight is the policy's own share of a preflight's cost (make bench-micro).
func BenchmarkPreflight(b *testing.B) {
	p, err := NewCORS("", confx.Development)
	if err != nil {
		b.Fatal(err)
	}
	h := p.Handler(http.NotFoundHandler())
	r := httptest.NewRequest(http.MethodOptions, "/user/v1/me", nil)
	r.Header.Set("Origin", "http://localhost:5173")
	r.Header.Set("Access-Control-Request-Method", "GET")
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusNoContent {
			b.Fatal(w.Code)
		}
	}
}
