package rpcx

import (
	"context"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/timex"
	"google.golang.org/grpc"
)

// ServerSlow logs a call slower than slowCall, by method, never with its content. It replaces
// go-zero's stat interceptor (turn that off with `Middlewares: {Stat: false}` in the server's
// config), which logs every call at info level with its request: on the hot methods that line
// was the largest cost after the transport. Faults are logged by ServerErrors.
func ServerSlow(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	start := timex.Now()
	resp, err := handler(ctx, req)
	if elapsed := timex.Since(start); elapsed > slowCall {
		logx.WithContext(ctx).WithDuration(elapsed).Slowf("[RPC] slowcall - %s", info.FullMethod)
	}
	return resp, err
}
