package httpresult

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Every gateway request with a body passes through JSONBody.
func BenchmarkJSONBody(b *testing.B) {
	body := `{"items":[{"productId":1,"quantity":2},{"productId":3,"quantity":1}],"note":"` + strings.Repeat("x", 200) + `"}`
	h := JSONBody(65536)(func(http.ResponseWriter, *http.Request) {})
	w := httptest.NewRecorder()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/order/v1/orders?page=1", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		h(w, r)
	}
}
