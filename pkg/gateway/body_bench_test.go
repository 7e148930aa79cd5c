package gateway

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Every gateway request with a body passes through JSONBody; the handler reads it, as goctl's do.
func BenchmarkJSON(b *testing.B) {
	body := `{"items":[{"productId":1,"quantity":2},{"productId":3,"quantity":1}],"note":"` + strings.Repeat("x", 200) + `"}`
	h := JSONBody(65536)(func(_ http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			b.Fatal(err)
		}
	})
	w := httptest.NewRecorder()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/order/v1/orders?page=1", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		h(w, r)
	}
}
