package rpcx

import (
	"context"
	"errors"
	"net/http"
	"time"

	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/timex"
	"google.golang.org/grpc"
)

// slowCall is when a successful rpc call is worth a log line.
const slowCall = 500 * time.Millisecond

// ClientLog replaces go-zero's client duration interceptor (turn it off with
// `Middlewares: {Duration: false}` in the client's config). go-zero logs every failed call at
// error level, the request included: a wrong password, an ended session or a client that hung
// up each became an error line. This logs only what an operator must act on: faults and
// outages (error) and slow calls (slow), never a request's content. Business errors are
// answered and counted by the gateway; a call abandoned by its caller is its 499; a call shed by
// the server or refused by an open breaker is counted there (xerr.IsRejection; the breaker's
// refusals never reach this interceptor: go-zero chains it inside its breaker, and
// httpresult.ErrorHandler counts them).
func ClientLog(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
	invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	start := timex.Now()
	err := invoker(ctx, method, req, reply, cc, opts...)
	elapsed := timex.Since(start)
	switch {
	case err == nil:
		if elapsed > slowCall {
			logx.WithContext(ctx).WithDuration(elapsed).Slowf("[RPC] slowcall - %s", method)
		}
	case errors.Is(ctx.Err(), context.Canceled), xerr.IsRejection(err):
	default:
		if ce := xerr.FromError(err); ce.HTTPStatus >= http.StatusInternalServerError {
			logx.WithContext(ctx).WithDuration(elapsed).Errorf("[RPC] fail - %s - %s", method, err)
		}
	}
	return err
}
