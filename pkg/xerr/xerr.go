// Package xerr is zeromall's one error vocabulary. Each business error is declared once with
// its code, the gRPC code it travels as between services and the HTTP status a gateway answers.
package xerr

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
)

// CodeError is a business error. Compare with errors.Is: two CodeErrors match when their codes do,
// so a copy carrying a more precise message (WithMsg) still matches its declaration.
type CodeError struct {
	Code       int
	GRPCCode   codes.Code
	HTTPStatus int
	Msg        string
	// RetryAfter, when set, tells the client when to try again (429's Retry-After header).
	RetryAfter time.Duration
}

var (
	registryMu sync.RWMutex
	registry   = map[int]*CodeError{}
)

// New declares a business error. Codes are unique process-wide; declaring one twice panics at init.
func New(code int, grpcCode codes.Code, httpStatus int, msg string) *CodeError {
	registryMu.Lock()
	defer registryMu.Unlock()
	if prev, ok := registry[code]; ok {
		panic(fmt.Sprintf("xerr: code %d declared twice (%q and %q)", code, prev.Msg, msg))
	}
	e := &CodeError{Code: code, GRPCCode: grpcCode, HTTPStatus: httpStatus, Msg: msg}
	registry[code] = e
	return e
}

// Lookup returns the declaration of a code.
func Lookup(code int) (*CodeError, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	e, ok := registry[code]
	return e, ok
}

func (e *CodeError) Error() string {
	return fmt.Sprintf("%d: %s", e.Code, e.Msg)
}

// Is makes errors.Is match any CodeError with the same code.
func (e *CodeError) Is(target error) bool {
	t, ok := target.(*CodeError)
	return ok && t.Code == e.Code
}

// WithMsg returns a copy that says more precisely what went wrong, e.g. which field and why.
func (e *CodeError) WithMsg(msg string) *CodeError {
	c := *e
	c.Msg = msg
	return &c
}

// WithMsgf is WithMsg with formatting.
func (e *CodeError) WithMsgf(format string, args ...any) *CodeError {
	return e.WithMsg(fmt.Sprintf(format, args...))
}

// WithRetryAfter returns a copy that tells the client to wait d before trying again.
func (e *CodeError) WithRetryAfter(d time.Duration) *CodeError {
	c := *e
	c.RetryAfter = d
	return &c
}

// Field reports an invalid request field: 400 with "field: reason".
func Field(name, reason string) *CodeError {
	return ErrBadRequest.WithMsg(name + ": " + reason)
}

// CheckUserID rejects a userId that cannot name an account (every user-scoped rpc takes one).
func CheckUserID(id int64) error {
	if id <= 0 {
		return Field("userId", "must be positive")
	}
	return nil
}

// StatusClientClosed is nginx's status for a request the client abandoned before the answer; it
// is counted in logs and metrics, never sent (nobody is listening).
const StatusClientClosed = 499

// Generic errors (1000-1999). Each service's business errors have their own file and range.
//
// Rate limiting travels as FailedPrecondition, not ResourceExhausted: go-zero's breakers count
// ResourceExhausted as a failure, and a throttled login is not a sick server.
var (
	ErrBadRequest           = New(1400, codes.InvalidArgument, http.StatusBadRequest, "bad request")
	ErrUnauthorized         = New(1401, codes.Unauthenticated, http.StatusUnauthorized, "missing or invalid access token")
	ErrForbidden            = New(1403, codes.PermissionDenied, http.StatusForbidden, "forbidden")
	ErrNotFound             = New(1404, codes.NotFound, http.StatusNotFound, "not found")
	ErrMethodNotAllowed     = New(1405, codes.Unimplemented, http.StatusMethodNotAllowed, "method not allowed")
	ErrConflict             = New(1409, codes.FailedPrecondition, http.StatusConflict, "conflict")
	ErrPayloadTooLarge      = New(1413, codes.InvalidArgument, http.StatusRequestEntityTooLarge, "request body too large")
	ErrUnsupportedMediaType = New(1415, codes.InvalidArgument, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
	ErrUnsupportedEncoding  = New(1416, codes.InvalidArgument, http.StatusUnsupportedMediaType, "Content-Encoding must be gzip or absent")
	ErrTooManyRequests      = New(1429, codes.FailedPrecondition, http.StatusTooManyRequests, "too many requests")
	ErrClientClosed         = New(1499, codes.Canceled, StatusClientClosed, "client closed request")
	ErrInternal             = New(1500, codes.Internal, http.StatusInternalServerError, "internal error")
	ErrServiceUnavailable   = New(1503, codes.Unavailable, http.StatusServiceUnavailable, "service unavailable, try again later")
	ErrTimeout              = New(1504, codes.DeadlineExceeded, http.StatusGatewayTimeout, "upstream timed out")
)
