// Package httpresult gives every gateway the same response conventions: success is the response
// object itself, failure is a real HTTP status with {"code","msg"}, and every response carries
// the trace id. It hooks into go-zero's extension points so goctl handlers stay stock.
package httpresult

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/trace"
	"github.com/zeromicro/go-zero/rest"
	"github.com/zeromicro/go-zero/rest/httpx"
	"go.opentelemetry.io/otel"
)

// TraceHeader carries the request's trace id on every response.
const TraceHeader = "X-Trace-Id"

// Body is the error body of every non-2xx response.
type Body struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
}

// Setup installs the error handler. go-zero's httpx handlers are process-wide.
func Setup() {
	httpx.SetErrorHandlerCtx(ErrorHandler)
}

// ServerOptions are the rest.RunOptions every gateway starts with.
func ServerOptions() []rest.RunOption {
	return []rest.RunOption{
		rest.WithUnauthorizedCallback(unauthorized),
		rest.WithNotFoundHandler(errorWriter(xerr.ErrNotFound.WithMsg("no such endpoint"))),
		rest.WithNotAllowedHandler(errorWriter(xerr.ErrMethodNotAllowed)),
	}
}

// ErrorHandler maps an error to its status and {code,msg} body.
//
// A plain error here comes from httpx.Parse (malformed JSON, a missing or mistyped field): it is
// the client's fault and its text names the field, so it is a 400 that quotes it. Logic returns
// only xerr values or errors from zRPC calls; those are classified by xerr.FromError, so an
// outage (open breaker, shed load, timeout) is a 503/504 and never a 400.
//
// A request whose client went away is answered 499 (counted by the access log and the metrics,
// read by nobody) whatever failed on the way: its failure is the client's leaving, not an error.
func ErrorHandler(ctx context.Context, err error) (int, any) {
	ce := classify(ctx, err)
	if errors.Is(ctx.Err(), context.Canceled) {
		ce = xerr.ErrClientClosed
	}
	if ce.HTTPStatus >= http.StatusInternalServerError && !xerr.IsRejection(err) {
		logx.WithContext(ctx).Errorf("request failed with %d: %v", ce.HTTPStatus, err)
	}
	if ce.RetryAfter > 0 {
		if h, ok := ctx.Value(headerKey{}).(http.Header); ok {
			h.Set("Retry-After", strconv.Itoa(int(math.Ceil(ce.RetryAfter.Seconds()))))
		}
	}
	return ce.HTTPStatus, Body{Code: ce.Code, Msg: ce.Msg}
}

func classify(ctx context.Context, err error) *xerr.CodeError {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return xerr.ErrPayloadTooLarge
	}
	if ce, ok := xerr.Known(err); ok {
		return ce
	}
	// go-zero reports a malformed number in a query or path with strconv's bare error.
	var num *strconv.NumError
	if errors.As(err, &num) {
		if name := queryParamWith(ctx, num.Num); name != "" {
			return xerr.Field(name, "must be a whole number in range")
		}
		return xerr.ErrBadRequest.WithMsgf("%q is not a whole number in range", num.Num)
	}
	return xerr.ErrBadRequest.WithMsg(err.Error())
}

// Unauthorized writes the 401 {code,msg} answer.
func Unauthorized(w http.ResponseWriter, r *http.Request) {
	unauthorized(w, r, nil)
}

func unauthorized(w http.ResponseWriter, r *http.Request, _ error) {
	if id := trace.TraceIDFromContext(r.Context()); id != "" {
		w.Header().Set(TraceHeader, id)
	}
	WriteError(w, r, xerr.ErrUnauthorized)
}

// errorWriter answers requests no route matched. go-zero starts the request's span inside the
// route chain, so these get a span of their own: every response carries a trace id.
func errorWriter(ce *xerr.CodeError) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := otel.Tracer(trace.TraceName).Start(r.Context(), "unmatched route")
		defer span.End()
		if id := trace.TraceIDFromContext(ctx); id != "" {
			w.Header().Set(TraceHeader, id)
		}
		WriteError(w, r.WithContext(ctx), ce)
	})
}

// headerKey holds the response headers in the request context, for ErrorHandler (go-zero's error
// handler sees the context, not the writer).
type headerKey struct{}

// TraceID sets the trace id header and lets ErrorHandler set headers (Retry-After); use it with
// server.Use.
func TraceID(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if id := trace.TraceIDFromContext(r.Context()); id != "" {
			w.Header().Set(TraceHeader, id)
		}
		next(w, r.WithContext(context.WithValue(r.Context(), headerKey{}, w.Header())))
	}
}

// WriteError answers with ce's status and {code,msg}; for middlewares that reject a request.
func WriteError(w http.ResponseWriter, r *http.Request, ce *xerr.CodeError) {
	httpx.WriteJsonCtx(r.Context(), w, ce.HTTPStatus, Body{Code: ce.Code, Msg: ce.Msg})
}

type queryKey struct{}

// WithQuery keeps a request's query in its context, so ErrorHandler can name the parameter of a
// malformed value (go-zero's parse error carries only the value).
func WithQuery(ctx context.Context, query url.Values) context.Context {
	return context.WithValue(ctx, queryKey{}, query)
}

// queryParamWith names the query parameter whose value is raw, for errors that carry only the value.
func queryParamWith(ctx context.Context, raw string) string {
	q, _ := ctx.Value(queryKey{}).(url.Values)
	for name, values := range q {
		for _, v := range values {
			if v == raw {
				return name
			}
		}
	}
	return ""
}

// StatusWriter remembers the status a handler answered with, for middlewares that act on it.
type StatusWriter struct {
	http.ResponseWriter
	Status int
}

// NewStatusWriter wraps w; a handler that never calls WriteHeader answered 200.
func NewStatusWriter(w http.ResponseWriter) *StatusWriter {
	return &StatusWriter{ResponseWriter: w, Status: http.StatusOK}
}

func (w *StatusWriter) WriteHeader(code int) {
	w.Status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *StatusWriter) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}
