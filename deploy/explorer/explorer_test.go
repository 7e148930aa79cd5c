package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

var testAPIs = []API{
	{Name: "user-api", Spec: "user.json", Gateway: "http://127.0.0.1:18888"},
	{Name: "order-api", Spec: "order.json", Gateway: "http://127.0.0.1:18889"},
	{Name: "payment-api", Spec: "payment.json", Gateway: "https://pay.example.com"},
}

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(w.Result().Body)
	return w.Code, string(body)
}

// Each spec sends "Try it out" to its own gateway: goctl's https on every operation, and its
// missing host, would send it to the explorer's own origin over a scheme nothing serves.
func TestSpecs_PointAtTheirGateways(t *testing.T) {
	e, err := New("../../doc/api", testAPIs)
	if err != nil {
		t.Fatal(err)
	}
	h := e.Handler()
	for _, a := range testAPIs {
		code, body := get(t, h, "/specs/"+a.Name+".json")
		if code != http.StatusOK {
			t.Fatalf("%s: %d", a.Name, code)
		}
		var spec struct {
			Host                string
			Schemes             []string
			Paths               map[string]map[string]struct{ Schemes []string }
			SecurityDefinitions map[string]struct{ Name, In string } `json:"securityDefinitions"`
		}
		if err := json.Unmarshal([]byte(body), &spec); err != nil {
			t.Fatal(err)
		}
		want := strings.SplitN(a.Gateway, "://", 2)
		if spec.Host != want[1] || len(spec.Schemes) != 1 || spec.Schemes[0] != want[0] {
			t.Errorf("%s: host %q schemes %v, want %s", a.Name, spec.Host, spec.Schemes, a.Gateway)
		}
		if len(spec.Paths) == 0 {
			t.Errorf("%s: no paths", a.Name)
		}
		for path, ops := range spec.Paths {
			for method, op := range ops {
				if op.Schemes != nil {
					t.Errorf("%s %s %s keeps its own schemes %v", a.Name, method, path, op.Schemes)
				}
			}
		}
		if b := spec.SecurityDefinitions["bearer"]; b.Name != "Authorization" || b.In != "header" {
			t.Errorf("%s: bearer security definition %+v", a.Name, b)
		}
	}
	if code, _ := get(t, h, "/specs/nope.json"); code != http.StatusNotFound {
		t.Errorf("an unknown spec: %d", code)
	}
}

func TestHandler_ServesSwaggerUIWithTheThreeAPIs(t *testing.T) {
	e, err := New("../../doc/api", testAPIs)
	if err != nil {
		t.Fatal(err)
	}
	h := e.Handler()
	if code, body := get(t, h, "/"); code != http.StatusOK || !strings.Contains(body, "swagger-ui-bundle.js") {
		t.Errorf("index: %d %.200s", code, body)
	}
	if code, body := get(t, h, "/swagger-initializer.js"); code != http.StatusOK || !strings.Contains(body, "explorer-config.json") || strings.Contains(body, "petstore") {
		t.Errorf("initializer: %d %.200s", code, body)
	}
	code, body := get(t, h, "/explorer-config.json")
	var config struct{ Urls []struct{ Name, URL string } }
	if err := json.Unmarshal([]byte(body), &config); code != http.StatusOK || err != nil || len(config.Urls) != 3 {
		t.Fatalf("config: %d %v %s", code, err, body)
	}
	for i, a := range testAPIs {
		if config.Urls[i].Name != a.Name || config.Urls[i].URL != "specs/"+a.Name+".json" {
			t.Errorf("config lists %+v, want %s", config.Urls[i], a.Name)
		}
	}
}

func TestNew_RefusesAMissingSpecOrABadGateway(t *testing.T) {
	if _, err := New("../../doc/api", []API{{Name: "x", Spec: "missing.json", Gateway: "http://127.0.0.1:1"}}); err == nil {
		t.Error("a missing spec was accepted")
	}
	if _, err := New("../../doc/api", []API{{Name: "user-api", Spec: "user.json", Gateway: "127.0.0.1:8888"}}); err == nil || !strings.Contains(err.Error(), "want http(s)://host:port") {
		t.Errorf("a gateway without scheme: %v", err)
	}
}

func TestRun_RefusesProduction(t *testing.T) {
	t.Setenv("ZEROMALL_ENV", "production")
	if err := run(); err == nil || !strings.Contains(err.Error(), "not served: ZEROMALL_ENV=production") {
		t.Errorf("production: %v", err)
	}
}
