package rpcx

import (
	"context"
	"errors"
	"net"
	"testing"

	"zeromall/pkg/overload"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/breaker"
	"github.com/zeromicro/go-zero/zrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// failing is a health service whose Check always fails with err (its Watch is unimplemented, which
// a client's health checking takes as serving).
type failing struct {
	healthpb.UnimplementedHealthServer
	err error
}

func (f failing) Check(context.Context, *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	return nil, f.err
}

func declared(ce *xerr.CodeError) error {
	st, _ := xerr.ToStatus(ce)
	return st.Err()
}

// A server that declares its database or downstream unavailable or slow (1503, 1504) answered:
// its own breaker counts that failure, so the caller's breaker stays closed. The same gRPC codes
// without a declaration, and a shed call, are the hop failing: the caller's breaker opens.
func TestHopBreaker_OpensOnTheHopFailingNotOnWhatTheServerDeclares(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		opens bool
	}{
		{"declared unavailable", declared(xerr.ErrServiceUnavailable), false},
		{"declared timeout", declared(xerr.ErrTimeout), false},
		{"business refusal", declared(xerr.ErrOutOfStock), false},
		{"unavailable, not declared", status.Error(codes.Unavailable, "connection refused"), true},
		{"timeout, not declared", status.Error(codes.DeadlineExceeded, "deadline exceeded"), true},
		{"shed", status.Error(codes.ResourceExhausted, "overloaded"), true},
		{"declared internal", declared(xerr.ErrInternal), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lis, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			s := grpc.NewServer()
			healthpb.RegisterHealthServer(s, failing{err: tc.err})
			go func() { _ = s.Serve(lis) }()
			t.Cleanup(s.Stop)
			hc := healthpb.NewHealthClient(MustNewClient(zrpc.RpcClientConf{Endpoints: []string{lis.Addr().String()}, Timeout: 1000}).Conn())

			counted := overload.BreakerRefused(overload.RPCClient)
			refused := 0
			for range 100 {
				_, err := hc.Check(context.Background(), &healthpb.HealthCheckRequest{})
				if errors.Is(err, breaker.ErrServiceUnavailable) {
					refused++
				} else if status.Code(err) != status.Code(tc.err) {
					t.Fatalf("call failed with %v, want the server's %v", err, tc.err)
				}
			}
			if tc.opens && refused < 50 {
				t.Errorf("the breaker refused %d of 100 calls, want most: each failed on the hop", refused)
			}
			if !tc.opens && refused > 0 {
				t.Errorf("the breaker refused %d of 100 calls, want none: the server answered each", refused)
			}
			if got := overload.BreakerRefused(overload.RPCClient) - counted; got != float64(refused) {
				t.Errorf("zeromall_breaker_rejected_total{breaker=\"rpc_client\"} moved by %v, want %d", got, refused)
			}
		})
	}
}
