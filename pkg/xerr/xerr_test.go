package xerr

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/zeromicro/go-zero/core/breaker"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestToStatusThenFromError_KeepsBusinessCodeAndMessage(t *testing.T) {
	cases := []*CodeError{
		ErrEmailTaken,
		ErrLoginThrottled,
		Field("email", "is not a valid address"),
		ErrUserNotFound,
	}
	for _, want := range cases {
		st, fault := ToStatus(fmt.Errorf("context: %w", want))
		if fault {
			t.Errorf("%v reported as a fault", want)
		}
		if st.Code() != want.GRPCCode {
			t.Errorf("%v travels as %s, want %s", want, st.Code(), want.GRPCCode)
		}
		got := FromError(fmt.Errorf("rpc call: %w", st.Err()))
		if got.Code != want.Code || got.HTTPStatus != want.HTTPStatus || got.Msg != want.Msg {
			t.Errorf("round trip of %+v gave %+v", want, got)
		}
	}
}

func TestBusinessErrorsNeverTripBreakers(t *testing.T) {
	// go-zero counts only these codes as breaker failures.
	failure := map[codes.Code]bool{codes.DeadlineExceeded: true, codes.Internal: true, codes.Unavailable: true,
		codes.DataLoss: true, codes.Unimplemented: true, codes.ResourceExhausted: true}
	registryMu.RLock()
	defer registryMu.RUnlock()
	for code, e := range registry {
		if e.HTTPStatus < 500 && failure[e.GRPCCode] && e.HTTPStatus != http.StatusMethodNotAllowed {
			t.Errorf("business error %d (%s) travels as %s, which trips breakers", code, e.Msg, e.GRPCCode)
		}
	}
}

func TestToStatus_FaultsAreGenericAndLogged(t *testing.T) {
	st, fault := ToStatus(errors.New("dial tcp 10.0.0.5:3306: connection refused"))
	if !fault || st.Code() != codes.Internal || st.Message() != ErrInternal.Msg {
		t.Fatalf("plain error became %v (fault=%v)", st, fault)
	}
	for _, down := range []error{
		breaker.ErrServiceUnavailable,
		&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED},
		fmt.Errorf("insert order: %w", mysql.ErrInvalidConn),
		fmt.Errorf("find user: %w", driver.ErrBadConn),
		fmt.Errorf("redis: %w", io.EOF),
	} {
		if st, fault := ToStatus(down); st.Code() != codes.Unavailable || !fault {
			t.Errorf("%v became %s", down, st.Code())
		}
	}
	st, _ = ToStatus(fmt.Errorf("query: %w", context.DeadlineExceeded))
	if st.Code() != codes.DeadlineExceeded {
		t.Errorf("deadline became %s", st.Code())
	}
	downstream := status.Error(codes.NotFound, "order not found")
	if st, _ = ToStatus(fmt.Errorf("call: %w", downstream)); st.Code() != codes.NotFound {
		t.Errorf("downstream status was not passed through: %v", st)
	}
}

func TestFromError_TransportFailuresAre5xx(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{breaker.ErrServiceUnavailable, 503},
		{fmt.Errorf("wrapped: %w", breaker.ErrServiceUnavailable), 503},
		{status.Error(codes.Unavailable, "connection refused"), 503},
		{status.Error(codes.ResourceExhausted, "shed"), 503},
		{status.Error(codes.DeadlineExceeded, "slow"), 504},
		{context.DeadlineExceeded, 504},
		{status.Error(codes.Internal, "panic: secret detail"), 500},
		{status.Error(codes.Unknown, "plain error from a foreign server"), 500},
		{errors.New("anything else"), 500},
	}
	for _, tc := range cases {
		got := FromError(tc.err)
		if got.HTTPStatus != tc.want {
			t.Errorf("%v → %d, want %d", tc.err, got.HTTPStatus, tc.want)
		}
		if got.HTTPStatus == 500 && got.Msg != ErrInternal.Msg {
			t.Errorf("%v leaks %q", tc.err, got.Msg)
		}
	}
}

func TestFromError_ForeignStatusMappedByClass(t *testing.T) {
	got := FromError(status.Error(codes.NotFound, "no such thing"))
	if got.HTTPStatus != 404 || got.Msg != "no such thing" || got.Code != ErrNotFound.Code {
		t.Fatalf("got %+v", got)
	}
}

func TestErrorsIs_MatchesByCode(t *testing.T) {
	err := fmt.Errorf("register: %w", ErrEmailTaken.WithMsg("email already registered: a@b.co"))
	if !errors.Is(err, ErrEmailTaken) || errors.Is(err, ErrUserNotFound) {
		t.Fatal("errors.Is does not match by code")
	}
}

func TestNew_DuplicateCodePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("declaring code 2001 twice did not panic")
		}
	}()
	_ = New(ErrEmailTaken.Code, codes.AlreadyExists, 409, "again")
}

func TestRetryAfter_TravelsThroughTheStatus(t *testing.T) {
	st, _ := ToStatus(ErrLoginThrottled.WithRetryAfter(90 * time.Second))
	ce := FromError(fmt.Errorf("call: %w", st.Err()))
	if ce.Code != ErrLoginThrottled.Code || ce.RetryAfter != 90*time.Second {
		t.Fatalf("got %+v, want code %d retrying after 90s", ce, ErrLoginThrottled.Code)
	}
	if plain := FromError(func() error { s, _ := ToStatus(ErrLoginThrottled); return s.Err() }()); plain.RetryAfter != 0 {
		t.Fatalf("a status without RetryInfo says retry after %s", plain.RetryAfter)
	}
}

// The internal boundary refusing this process is our misconfiguration: a 500 (logged by the
// gateway), never a 401/403 that would blame the user's token.
func TestFromError_BoundaryRefusalsAreFaults(t *testing.T) {
	for _, c := range []codes.Code{codes.Unauthenticated, codes.PermissionDenied} {
		got := FromError(status.Error(c, "order-api may not call /order.Order/MarkPaid"))
		if got.HTTPStatus != http.StatusInternalServerError || strings.Contains(got.Msg, "MarkPaid") {
			t.Errorf("%v without a business code: %d %q, want a generic 500", c, got.HTTPStatus, got.Msg)
		}
	}
	st, _ := ToStatus(ErrUnauthorized)
	if got := FromError(st.Err()); got.HTTPStatus != http.StatusUnauthorized {
		t.Errorf("a business 401 became %d", got.HTTPStatus)
	}
}

func TestIsRejection(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{status.Error(codes.ResourceExhausted, "shed"), true},
		{fmt.Errorf("calling: %w", breaker.ErrServiceUnavailable), true},
		{status.Error(codes.Unavailable, "connection refused"), false},
		{status.Error(codes.Internal, "boom"), false},
		{errors.New("anything else"), false},
		{nil, false},
	} {
		if got := IsRejection(tc.err); got != tc.want {
			t.Errorf("IsRejection(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
