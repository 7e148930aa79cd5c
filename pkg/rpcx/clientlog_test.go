package rpcx

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/breaker"
	"github.com/zeromicro/go-zero/core/logx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestClientLog_LogsOnlyFaults(t *testing.T) {
	var logged bytes.Buffer
	logx.SetWriter(logx.NewWriter(&logged))
	defer logx.Reset()
	business, _ := xerr.ToStatus(xerr.ErrSessionEnded)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name string
		ctx  context.Context
		err  error
		logs bool
	}{
		{"ok", context.Background(), nil, false},
		{"business error", context.Background(), business.Err(), false},
		{"caller left", cancelled, status.Error(codes.Canceled, "context canceled"), false},
		{"outage", context.Background(), status.Error(codes.Unavailable, "connection refused"), true},
		{"fault", context.Background(), status.Error(codes.Internal, "boom"), true},
		{"shed by the server", context.Background(), status.Error(codes.ResourceExhausted, "overloaded"), false},
		{"open breaker", context.Background(), breaker.ErrServiceUnavailable, false},
	}
	for _, tc := range cases {
		logged.Reset()
		invoker := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return tc.err }
		err := ClientLog(tc.ctx, "/user.User/CheckSession", "secret-session-id", nil, nil, invoker)
		if !errors.Is(err, tc.err) {
			t.Errorf("%s: the error changed to %v", tc.name, err)
		}
		if got := logged.Len() > 0; got != tc.logs {
			t.Errorf("%s: logged=%v (%q)", tc.name, got, logged.String())
		}
		if strings.Contains(logged.String(), "secret-session-id") {
			t.Errorf("%s: the request was logged", tc.name)
		}
	}
}
