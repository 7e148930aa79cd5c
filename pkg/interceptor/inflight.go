package interceptor

import (
	"context"

	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/syncx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// InFlightLimit caps how many calls of one method run at once.
type InFlightLimit struct {
	FullMethod string
	Limit      int
}

// errOverloaded is how a rejected call travels: ResourceExhausted, like go-zero's own shedding,
// so gateways answer 503 and client breakers take note.
var errOverloaded = status.Error(codes.ResourceExhausted, xerr.ErrServiceUnavailable.Msg)

// LimitInFlight rejects calls beyond a method's limit at once instead of queueing them. go-zero's
// adaptive shedding watches CPU; a write path bound by MySQL (row locks, commits, the connection
// pool) saturates with CPU to spare, and its queue would grow into timeouts. A bulkhead sized to
// what MySQL can serve keeps the accepted calls fast and answers the rest immediately.
func LimitInFlight(limits []InFlightLimit) grpc.UnaryServerInterceptor {
	byMethod := make(map[string]*syncx.Limit, len(limits))
	for _, l := range limits {
		if l.Limit > 0 {
			lim := syncx.NewLimit(l.Limit)
			byMethod[l.FullMethod] = &lim
		}
	}
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		lim, ok := byMethod[info.FullMethod]
		if !ok {
			return handler(ctx, req)
		}
		if !lim.TryBorrow() {
			return nil, errOverloaded
		}
		defer func() { _ = lim.Return() }()
		return handler(ctx, req)
	}
}
