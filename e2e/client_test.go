package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"zeromall/pkg/testkit"
)

var httpClient = &http.Client{Timeout: 10 * time.Second}

// response is what a client sees: status, headers and the decoded JSON body.
type response struct {
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any
	// contractErr says how the exchange broke doc/api; call fails its test with it, and every
	// such exchange fails the run (contract_test.go).
	contractErr error
}

// errCode is the business code of an error body (0 when absent).
func (r response) errCode() int {
	c, _ := r.JSON["code"].(float64)
	return int(c)
}

func (r response) str(key string) string {
	s, _ := r.JSON[key].(string)
	return s
}

// call sends a JSON request; body may be nil, a string (sent verbatim) or a value to marshal.
func call(t *testing.T, method, url, token string, body any, headers ...string) response {
	t.Helper()
	req, err := testkit.NewRequest(method, url, token, body, headers...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if out.contractErr != nil {
		t.Error(out.contractErr)
	}
	return out
}

// do sends req, reads the answer and checks the exchange against doc/api (contract_test.go); a
// body that is not a JSON object is an error.
func do(req *http.Request) (response, error) {
	resp, err := httpClient.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	out := response{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	out.contractErr = checkContract(req, resp.StatusCode, resp.Header, raw)
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out.JSON); err != nil {
			return out, fmt.Errorf("body is not a JSON object: %q", raw)
		}
	}
	return out, nil
}

// expectError asserts an error answer: status, business code and a message that mentions want.
func expectError(t *testing.T, r response, status, code int, want string) {
	t.Helper()
	if r.Status != status || r.errCode() != code || !strings.Contains(r.str("msg"), want) {
		t.Fatalf("got %d %s, want %d with code %d and a msg mentioning %q", r.Status, r.Raw, status, code, want)
	}
	if len(r.Header.Get("X-Trace-Id")) != 32 {
		t.Errorf("error response carries no X-Trace-Id header")
	}
}
