package rpcx

import (
	"context"
	"errors"
	"testing"

	"zeromall/pkg/xerr"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

type orderReq struct{ key string }

func (r orderReq) GetIdempotencyKey() string { return r.key }

func TestRetryOnLostServer_RepeatsOnlyWhatIsSafeAfterALostServer(t *testing.T) {
	retry := RetryOnLostServer(Rules{
		"/order.Order/ListProducts": {Repeatable: true},
		"/order.Order/CreateOrder":  {},
		"/order.Order/CancelOrder":  {},
	})
	lost := status.Error(codes.Unavailable, "error reading from server: EOF")
	st, _ := xerr.ToStatus(xerr.ErrServiceUnavailable)
	answered := st.Err() // a server's own 503, with its business code
	for _, tc := range []struct {
		name   string
		method string
		req    any
		first  error
		calls  int
	}{
		{"a read after a lost server", "/order.Order/ListProducts", nil, lost, 2},
		{"a method without a rule", "/order.Order/Unknown", nil, lost, 1},
		{"an order with an idempotency key", "/order.Order/CreateOrder", orderReq{"k-1"}, lost, 2},
		{"an order without one", "/order.Order/CreateOrder", orderReq{""}, lost, 1},
		{"a write", "/order.Order/CancelOrder", nil, lost, 1},
		{"a read the server answered 503", "/order.Order/ListProducts", nil, answered, 1},
		{"a read shed by the server", "/order.Order/ListProducts", nil, status.Error(codes.ResourceExhausted, "busy"), 1},
		{"a read that timed out", "/order.Order/ListProducts", nil, status.Error(codes.DeadlineExceeded, "late"), 1},
		{"a read that succeeded", "/order.Order/ListProducts", nil, nil, 1},
	} {
		calls := 0
		invoker := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error {
			calls++
			if calls == 1 {
				return tc.first
			}
			return nil
		}
		err := retry(context.Background(), tc.method, tc.req, nil, nil, invoker)
		if calls != tc.calls {
			t.Errorf("%s: %d calls, want %d", tc.name, calls, tc.calls)
		}
		if tc.calls == 2 && err != nil {
			t.Errorf("%s: the second attempt's success is lost: %v", tc.name, err)
		}
		if tc.calls == 1 && !errors.Is(err, tc.first) {
			t.Errorf("%s: err %v, want the first attempt's %v", tc.name, err, tc.first)
		}
	}
}
