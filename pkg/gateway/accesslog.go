package gateway

import (
	"net/http"
	"time"
	"zeromall/pkg/httpresult"

	"github.com/zeromicro/go-zero/core/logx"
)

// slowRequest is when a successful request is worth a log line after all.
const slowRequest = 500 * time.Millisecond

// AccessLog logs requests that failed (4xx as info, 5xx as error) or were slow: method, path,
// status, peer and duration, never headers or bodies. Gateways turn go-zero's own log middleware
// off (Middlewares.Log: false) because it dumps the whole request, Authorization header and
// password included, on every 5xx. Fast successes are not logged: the metrics count them and
// the trace has them, and a line per request was the largest avoidable cost of the read path
// (about 6% of the gateway's CPU in the profile in doc/performance.md). Nor are 503s, fast or slow: a
// rejection is counted where it happens (pkg/overload, breakers) and an outage's cause is logged
// by ErrorHandler; a line per 503 made overload costlier the more requests it turned away.
func AccessLog(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := httpresult.NewStatusWriter(w)
		next(sw, r)
		elapsed := time.Since(start)
		if sw.Status < http.StatusBadRequest && elapsed < slowRequest || sw.Status == http.StatusServiceUnavailable {
			return
		}
		logger := logx.WithContext(r.Context()).WithDuration(elapsed)
		if sw.Status >= http.StatusInternalServerError {
			logger.Errorf("[HTTP] %d - %s %s - %s", sw.Status, r.Method, logPath(r), r.RemoteAddr)
			return
		}
		logger.Infof("[HTTP] %d - %s %s - %s", sw.Status, r.Method, logPath(r), r.RemoteAddr)
	}
}

// maxLoggedPath bounds the path in a log line; longer ones are cut.
const maxLoggedPath = 256

// logPath is the request's path percent-encoded (EscapedPath never holds a space, quote or
// control character, so a decoded newline cannot forge a log line), cut to maxLoggedPath bytes.
func logPath(r *http.Request) string {
	p := r.URL.EscapedPath()
	if len(p) > maxLoggedPath {
		p = p[:maxLoggedPath] + "…"
	}
	return p
}
