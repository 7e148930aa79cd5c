package httpresult

import (
	"net/http"
	"time"

	"github.com/zeromicro/go-zero/core/logx"
)

// AccessLog logs one line per request: method, path, status, peer and duration, never headers or
// bodies. Gateways turn go-zero's own log middleware off (Middlewares.Log: false) because it dumps
// the whole request, Authorization header and password included, on every 5xx.
func AccessLog(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next(sw, r)
		logger := logx.WithContext(r.Context()).WithDuration(time.Since(start))
		if sw.status >= http.StatusInternalServerError {
			logger.Errorf("[HTTP] %d - %s %s - %s", sw.status, r.Method, r.URL.Path, r.RemoteAddr)
			return
		}
		logger.Infof("[HTTP] %d - %s %s - %s", sw.status, r.Method, r.URL.Path, r.RemoteAddr)
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
