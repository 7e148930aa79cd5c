package httpresult

import (
	"encoding/json"
	"net/http"

	"zeromall/pkg/xerr"
)

// JSONForBareErrors is a rest.StartOption (server.StartWithOpts). go-zero's own guards — load
// shedding, the per-route breaker, MaxConns — answer 503 with an empty body before any zeromall
// code runs; this wraps the whole server so such answers carry {code,msg} too. Answers that
// already set a Content-Type are left alone.
func JSONForBareErrors(svr *http.Server) {
	next := svr.Handler
	svr.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&bareErrorWriter{ResponseWriter: w}, r)
	})
}

type bareErrorWriter struct {
	http.ResponseWriter
	wroteHeader bool
	wroteJSON   bool
}

func (w *bareErrorWriter) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	if code < http.StatusBadRequest || w.Header().Get("Content-Type") != "" {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	ce := forStatus(code)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.ResponseWriter.WriteHeader(code)
	_ = json.NewEncoder(w.ResponseWriter).Encode(Body{Code: ce.Code, Msg: ce.Msg})
	w.wroteJSON = true
}

func (w *bareErrorWriter) Write(b []byte) (int, error) {
	if w.wroteJSON {
		return len(b), nil // the guard's own text, replaced by the JSON body
	}
	w.wroteHeader = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *bareErrorWriter) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}

func forStatus(code int) *xerr.CodeError {
	switch code {
	case http.StatusServiceUnavailable:
		return xerr.ErrServiceUnavailable
	case http.StatusGatewayTimeout:
		return xerr.ErrTimeout
	case http.StatusRequestEntityTooLarge:
		return xerr.ErrPayloadTooLarge
	case http.StatusUnauthorized:
		return xerr.ErrUnauthorized
	case http.StatusForbidden:
		return xerr.ErrForbidden
	case http.StatusNotFound:
		return xerr.ErrNotFound
	case http.StatusTooManyRequests:
		return xerr.ErrTooManyRequests
	}
	if code >= http.StatusInternalServerError {
		return xerr.ErrInternal
	}
	return xerr.ErrBadRequest.WithMsg(http.StatusText(code))
}
