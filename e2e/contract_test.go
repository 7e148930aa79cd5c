package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// The contract check: every exchange the e2e client makes (httpClient) is validated against the
// published OpenAPI files (doc/api) by kin-openapi's openapi3filter. An answer the files do not
// describe (a status a route does not declare, a code its status does not list, a missing
// required field) fails the test that made it, and the run. A request the files refuse (the
// bad-input tests send many) must be refused by the gateway too.
var contract = struct {
	once    sync.Once
	routers map[string]routers.Router // by the gateway's path prefix, e.g. "/order/"
	err     error

	mu        sync.Mutex
	validated int // exchanges on a documented route, each answer described by the files
	refused   int // of those, requests the files refuse, refused by the gateway as well
	outside   map[string]int
	failures  []string
}{outside: map[string]int{}}

var gatewayFiles = map[string]string{"/user/": "user.json", "/order/": "order.json", "/payment/": "payment.json"}

func loadContract() {
	contract.routers = map[string]routers.Router{}
	for prefix, name := range gatewayFiles {
		router, err := openAPIRouter(filepath.Join("..", "doc", "api", name))
		if err != nil {
			contract.err = fmt.Errorf("doc/api/%s: %w", name, err)
			return
		}
		contract.routers[prefix] = router
	}
}

// openAPIRouter loads a Swagger 2.0 file as OpenAPI 3 and routes requests by path alone.
func openAPIRouter(file string) (routers.Router, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var v2 openapi2.T
	if err := json.Unmarshal(raw, &v2); err != nil {
		return nil, err
	}
	doc, err := openapi2conv.ToV3(&v2)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("not a valid OpenAPI document: %w", err)
	}
	doc.Servers = openapi3.Servers{{URL: "/"}}
	return gorillamux.NewRouter(doc)
}

// checkContract validates one exchange: req as sent (its body is read again from GetBody) and
// the answer's status, headers and body.
func checkContract(req *http.Request, status int, header http.Header, body []byte) error {
	contract.once.Do(loadContract)
	if contract.err != nil {
		return contract.err
	}
	if strings.HasPrefix(req.URL.Path, "/sandbox/") {
		return nil // the development payment provider (deploy/sandbox): outside the API
	}
	name := req.Method + " " + req.URL.Path
	router := routerFor(req.URL.Path)
	var route *routers.Route
	var params map[string]string
	var err error
	if router != nil {
		route, params, err = router.FindRoute(req)
	}
	if router == nil || err != nil {
		// No documented operation (an unknown path, a CORS preflight): nothing to compare with.
		contract.mu.Lock()
		contract.outside[fmt.Sprintf("%s %d", req.Method, status)]++
		contract.mu.Unlock()
		return nil
	}
	sent, err := sentCopy(req)
	if err != nil {
		return err
	}
	in := &openapi3filter.RequestValidationInput{
		Request: sent, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	out.SetBodyBytes(body)
	respErr := openapi3filter.ValidateResponse(context.Background(), out)

	var failure string
	switch {
	case respErr != nil:
		failure = fmt.Sprintf("%s (route %s %s) answered %d %s, which doc/api does not describe: %v",
			name, route.Method, route.Path, status, body, respErr)
	case reqErr != nil && status < 300:
		failure = fmt.Sprintf("%s (route %s %s) answered %d to a request doc/api refuses (%v): %s",
			name, route.Method, route.Path, status, reqErr, body)
	}
	contract.mu.Lock()
	defer contract.mu.Unlock()
	if failure != "" {
		contract.failures = append(contract.failures, failure)
		return fmt.Errorf("contract: %s", failure)
	}
	contract.validated++
	if reqErr != nil {
		contract.refused++
	}
	return nil
}

func routerFor(path string) routers.Router {
	for prefix, r := range contract.routers {
		if strings.HasPrefix(path, prefix) {
			return r
		}
	}
	return nil
}

// sentCopy is req with its body readable again, inflated when it was sent gzipped (the files
// describe the JSON).
func sentCopy(req *http.Request) (*http.Request, error) {
	c := req.Clone(context.Background())
	if req.GetBody == nil {
		return c, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(req.Header.Get("Content-Encoding"), "gzip") {
		if zr, err := gzip.NewReader(bytes.NewReader(raw)); err == nil {
			if inflated, err := io.ReadAll(zr); err == nil {
				raw = inflated
			}
		}
	}
	c.Body = io.NopCloser(bytes.NewReader(raw))
	return c, nil
}

// TestMain reports what the contract check saw and fails the run on any undescribed answer. go
// test shows a passing package's output only with -v, so the report also goes to contract.txt
// in -outputdir when one is given (make test prints it).
func TestMain(m *testing.M) {
	code := m.Run()
	contract.mu.Lock()
	defer contract.mu.Unlock()
	if contract.validated+len(contract.failures) > 0 {
		report := fmt.Sprintf("contract: %d exchanges validated against doc/api (%d of them requests the files refuse, refused by the gateway too), %d undescribed; outside any documented route: %v\n",
			contract.validated, contract.refused, len(contract.failures), contract.outside)
		fmt.Print(report)
		if dir := flag.Lookup("test.outputdir"); dir != nil && dir.Value.String() != "" {
			if err := os.WriteFile(filepath.Join(dir.Value.String(), "contract.txt"), []byte(report), 0o600); err != nil {
				fmt.Println("contract:", err)
				code = max(code, 1)
			}
		}
	}
	if len(contract.failures) > 0 {
		for _, f := range contract.failures {
			fmt.Println("contract:", f)
		}
		code = max(code, 1)
	}
	os.Exit(code)
}
