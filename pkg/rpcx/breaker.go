package rpcx

import (
	"context"
	"path"

	"zeromall/pkg/overload"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/breaker"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// hopBreaker is go-zero's client breaker (one per target and method, the same algorithm and
// name) with one difference in what it counts, hopFailure. It replaces go-zero's, which MustNew
// turns off, and counts its refusals for the breaker-open alert.
func hopBreaker(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
	invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	err := breaker.DoWithAcceptableCtx(ctx, path.Join(cc.Target(), method), func() error {
		return invoker(ctx, method, req, reply, cc, opts...)
	}, func(err error) bool { return !hopFailure(err) })
	overload.ObserveBreaker(err, overload.RPCClient)
	return err
}

// hopFailure is go-zero's rule (the gRPC codes of a server or link in trouble) except for the
// outages and timeouts a zeromall server declared itself (codes 1503 and 1504): those are its
// MySQL, Redis or downstream rpc failing, which that server's own breaker counts. Counting them
// here as well stacks a second breaker on one failure, and go-zero's breakers remember 10 s of
// failures, so a path stayed shut that long after its database had healed.
func hopFailure(err error) bool {
	switch status.Code(err) {
	case codes.DeadlineExceeded, codes.Internal, codes.Unavailable, codes.DataLoss,
		codes.Unimplemented, codes.ResourceExhausted:
		ce, declared := xerr.Declared(err)
		return !declared || (ce.Code != xerr.ErrServiceUnavailable.Code && ce.Code != xerr.ErrTimeout.Code)
	}
	return false
}
