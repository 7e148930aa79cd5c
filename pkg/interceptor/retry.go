package interceptor

import (
	"context"

	"github.com/zeromicro/go-zero/core/logx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// safeToRepeat are the calls a gateway may send twice: reads, and writes idempotent by contract. A request carrying an idempotency
// key (CreateOrder with one) is safe too: the server answers a repeat with the first result.
var safeToRepeat = map[string]bool{
	"/user.User/CheckSession":      true,
	"/user.User/GetUser":           true,
	"/order.Order/ListProducts":    true,
	"/order.Order/GetProduct":      true,
	"/order.Order/ListStockLedger": true,
	"/order.Order/GetOrder":        true,
	"/order.Order/ListOrders":      true,
	"/payment.Payment/GetPayment":  true,
	// one payment per order: a repeat returns the payment the first call opened
	"/payment.Payment/CreatePayment": true,
}

type idempotent interface{ GetIdempotencyKey() string }

// RetryOnLostServer sends a call that is safe to repeat once more when the server it went to
// was lost (a transport-level Unavailable: the instance died or its connection broke
// mid-call). The balancer picks a live instance for the second attempt, so one dying instance
// of several costs its callers nothing. Business errors, sheds and timeouts are never retried,
// and the second attempt shares the first one's deadline.
func RetryOnLostServer(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
	invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	err := invoker(ctx, method, req, reply, cc, opts...)
	if err == nil || ctx.Err() != nil || !lostServer(err) || !repeatable(method, req) {
		return err
	}
	logx.WithContext(ctx).Infof("[RPC] %s lost its server (%v), sending it again", method, err)
	return invoker(ctx, method, req, reply, cc, opts...)
}

func repeatable(method string, req any) bool {
	if safeToRepeat[method] {
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

// Gateway is the client interceptor of every gateway's rpc clients: ClientLog around
// RetryOnLostServer, so a call that succeeded on its second attempt logs nothing.
func Gateway(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
	invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	return ClientLog(ctx, method, req, reply, cc, func(ctx context.Context, method string, req, reply any,
		cc *grpc.ClientConn, opts ...grpc.CallOption) error {
		return RetryOnLostServer(ctx, method, req, reply, cc, invoker, opts...)
	}, opts...)
}
