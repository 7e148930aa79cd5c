package gateway

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zeromicro/go-zero/core/logx/logtest"
)

// A client cannot forge a log line with a decoded newline in its path, nor flood the log with a
// long one.
func TestAccessLog_PathIsEscapedAndCut(t *testing.T) {
	logs := logtest.NewCollector(t)
	h := AccessLog(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) })
	forged := "/x%0A[HTTP]%20200%20-%20GET%20/admin%20-%20127.0.0.1%22"
	h(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, forged, nil))
	raw := httptest.NewRequest(http.MethodGet, "/", nil)
	raw.URL.Path, raw.URL.RawPath = "/y\n[HTTP] 200 - GET /forged \"", "" // as a decoded path can be
	h(httptest.NewRecorder(), raw)
	h(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/"+strings.Repeat("a", 10000), nil))
	out := logs.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("3 requests wrote %d lines:\n%s", len(lines), out)
	}
	if !strings.Contains(lines[0], `/x%0A[HTTP]%20200%20-%20GET%20/admin%20-%20127.0.0.1%22`) || strings.Contains(lines[0], `\n[HTTP]`) {
		t.Errorf("the forged path is not logged escaped and quoted: %s", lines[0])
	}
	if len(lines[2]) > 600 || !strings.Contains(lines[2], "…") {
		t.Errorf("a 10 KB path logged as %d bytes, want it cut", len(lines[2]))
	}
	if !strings.Contains(lines[1], "/y%0A%5BHTTP%5D%20200%20-%20GET%20/forged%20%22") {
		t.Errorf("a decoded path with a newline and a quote is not logged escaped: %s", lines[1])
	}
}
