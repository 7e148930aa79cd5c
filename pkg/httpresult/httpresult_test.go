package httpresult

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/breaker"
	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/rest/httpx"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestErrorHandler_StatusAndBody(t *testing.T) {
	bizStatus, _ := xerr.ToStatus(xerr.ErrEmailTaken)
	cases := []struct {
		name   string
		err    error
		status int
		code   int
		msg    string
	}{
		{"parse error names the field", errors.New(`field "email" is not set`), 400, 1400, `field "email" is not set`},
		{"business error from rpc", fmt.Errorf("call: %w", bizStatus.Err()), 409, 2001, "email already registered"},
		{"business error from logic", xerr.Field("nickname", "is required"), 400, 1400, "nickname: is required"},
		{"open client breaker", breaker.ErrServiceUnavailable, 503, 1503, "service unavailable"},
		{"shed by rpc server", status.Error(codes.ResourceExhausted, "shed"), 503, 1503, "service unavailable"},
		{"rpc down", status.Error(codes.Unavailable, "connection refused"), 503, 1503, "service unavailable"},
		{"rpc timeout", status.Error(codes.DeadlineExceeded, "deadline"), 504, 1504, "timed out"},
		{"rpc fault hides details", status.Error(codes.Internal, "sql: password=hunter2"), 500, 1500, "internal error"},
		{"body too large", &http.MaxBytesError{Limit: 10}, 413, 1413, "too large"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, body := ErrorHandler(context.Background(), tc.err)
			b := body.(Body)
			if st != tc.status || b.Code != tc.code || !strings.Contains(b.Msg, tc.msg) {
				t.Fatalf("got %d %+v, want %d code %d msg ~%q", st, b, tc.status, tc.code, tc.msg)
			}
			if strings.Contains(b.Msg, "hunter2") {
				t.Fatal("fault details leaked")
			}
		})
	}
}

func TestErrorHandler_NamesMalformedQueryParameter(t *testing.T) {
	var status int
	var body Body
	r := httptest.NewRequest(http.MethodGet, "/?page=abc&status=paid", nil)
	ctx := WithQuery(r.Context(), r.URL.Query())
	_, err := strconv.ParseInt(r.URL.Query().Get("page"), 10, 64)
	st, b := ErrorHandler(ctx, fmt.Errorf("parse: %w", err))
	status, body = st, b.(Body)
	if status != 400 || body.Msg != "page: must be a whole number in range" {
		t.Fatalf("%d %+v", status, body)
	}
}

func TestJSONForBareErrors(t *testing.T) {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/shed":
			w.WriteHeader(http.StatusServiceUnavailable) // what go-zero's shedding handler does
		case "/text":
			http.Error(w, "plain", http.StatusTeapot)
		default:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"ok":true}`))
		}
	})}
	JSONForBareErrors(srv)
	for path, want := range map[string]string{
		"/shed": `{"code":1503,"msg":"service unavailable, try again later"}`,
		"/text": "plain",
		"/ok":   `{"ok":true}`,
	} {
		w := httptest.NewRecorder()
		srv.Handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if got := strings.TrimSpace(w.Body.String()); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
}

// A client that went away is a 499 whatever failed after it left (the rpc call it cancelled),
// and no error line is written for it.
func TestErrorHandler_ClientGoneIs499AndNotAnError(t *testing.T) {
	var logged bytes.Buffer
	logx.SetWriter(logx.NewWriter(&logged))
	defer logx.Reset()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, err := range []error{status.Error(codes.Canceled, "context canceled"), context.Canceled, breaker.ErrServiceUnavailable} {
		st, body := ErrorHandler(ctx, err)
		if st != xerr.StatusClientClosed || body.(Body).Code != 1499 {
			t.Errorf("%v: got %d %+v, want 499", err, st, body)
		}
	}
	if logged.Len() != 0 {
		t.Errorf("logged: %s", logged.String())
	}
}

func TestErrorHandler_SetsRetryAfter(t *testing.T) {
	throttled, _ := xerr.ToStatus(xerr.ErrTooManyRequests.WithRetryAfter(1500 * time.Millisecond))
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.ErrorCtx(r.Context(), w, throttled.Err())
	})
	Setup()
	w := httptest.NewRecorder()
	TraceID(h.ServeHTTP)(w, httptest.NewRequest(http.MethodPost, "/", nil))
	if w.Code != 429 || w.Header().Get("Retry-After") != "2" {
		t.Fatalf("got %d with Retry-After %q, want 429 and 2 (seconds, rounded up)", w.Code, w.Header().Get("Retry-After"))
	}
}
