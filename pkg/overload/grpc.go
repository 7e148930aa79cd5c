package overload

import (
	"context"
	"sync"

	"zeromall/pkg/xerr"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// errOverloaded is how a rejected call travels: ResourceExhausted, like go-zero's own shedding,
// so gateways answer 503 and client breakers take note.
var errOverloaded = status.Error(codes.ResourceExhausted, xerr.ErrServiceUnavailable.Msg)

// UnaryServerInterceptor gives every method of an rpc server its own lane, created at its first
// call (only registered methods reach interceptors, so the lanes are bounded). Installed as a
// server option it runs before go-zero's interceptors: a rejected call is never logged by the
// stat interceptor, never traced and never counted by the breaker. It replaces go-zero's CPU
// shedder (CpuThreshold: 0 in the rpc YAMLs).
func UnaryServerInterceptor(c Config, enabled bool) grpc.UnaryServerInterceptor {
	if !enabled {
		return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
			return handler(ctx, req)
		}
	}
	var lanes sync.Map // full method → *Lane
	var mu sync.Mutex
	lane := func(method string) *Lane {
		if l, ok := lanes.Load(method); ok {
			return l.(*Lane)
		}
		mu.Lock()
		defer mu.Unlock()
		if l, ok := lanes.Load(method); ok {
			return l.(*Lane)
		}
		l := NewLane(method, c)
		lanes.Store(method, l)
		return l
	}
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		l := lane(info.FullMethod)
		start, ok := l.Acquire(ctx)
		if !ok {
			return nil, errOverloaded
		}
		defer l.Release(start)
		return handler(ctx, req)
	}
}
