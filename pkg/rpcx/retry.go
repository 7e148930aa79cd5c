package rpcx

import (
	"context"

	"github.com/zeromicro/go-zero/core/logx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

type idempotent interface{ GetIdempotencyKey() string }

// RetryOnLostServer sends a call that is safe to repeat (its rule says Repeatable, or it carries
// an idempotency key) once more when the server it went to was lost (a transport-level
// Unavailable: the instance died or its connection broke mid-call). The balancer picks a live
// instance for the second attempt, so one dying instance of several costs its callers nothing.
// Business errors, sheds and timeouts are never retried, and the second attempt shares the first
// one's deadline.
func RetryOnLostServer(rules Rules) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
		invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		err := invoker(ctx, method, req, reply, cc, opts...)
		if err == nil || ctx.Err() != nil || !lostServer(err) || !repeatable(rules[method], req) {
			return err
		}
		logx.WithContext(ctx).Infof("[RPC] %s lost its server (%v), sending it again", method, err)
		return invoker(ctx, method, req, reply, cc, opts...)
	}
}

func repeatable(rule Rule, req any) bool {
	if rule.Repeatable {
		return true
	}
	k, ok := req.(idempotent)
	return ok && k.GetIdempotencyKey() != ""
}

// lostServer tells a transport failure from a server's answer: zeromall's servers put a
// business code in every status they send (pkg/xerr), the gRPC stack none.
func lostServer(err error) bool {
	st, ok := status.FromError(err)
	return ok && st.Code() == codes.Unavailable && len(st.Details()) == 0
}

// GatewayInterceptor is the client interceptor of every gateway's rpc clients, for a service whose methods
// follow rules: ClientLog around RetryOnLostServer, so a call that succeeded on its second
// attempt logs nothing.
func GatewayInterceptor(rules Rules) grpc.UnaryClientInterceptor {
	retry := RetryOnLostServer(rules)
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
		invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		return ClientLog(ctx, method, req, reply, cc, func(ctx context.Context, method string, req, reply any,
			cc *grpc.ClientConn, opts ...grpc.CallOption) error {
			return retry(ctx, method, req, reply, cc, invoker, opts...)
		}, opts...)
	}
}
