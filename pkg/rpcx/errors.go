// errors.go holds zRPC interceptors shared by every service.

package rpcx

import (
	"context"

	"zeromall/pkg/overload"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"google.golang.org/grpc"
)

// ServerErrors converts whatever a logic returns into a gRPC status (see xerr.ToStatus), so
// business errors travel with their code and never trip breakers, and faults are logged here
// with the trace id but reach the caller only as a generic Internal/Unavailable.
func ServerErrors(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	resp, err := handler(ctx, req)
	if err == nil {
		return resp, nil
	}
	st, fault := xerr.ToStatus(err)
	if overload.ObserveBreaker(err, overload.Dependency) {
		fault = false // counted; one line per refusal would make an outage cost more the longer it lasts
	}
	if fault {
		logx.WithContext(ctx).Errorf("%s: %v", info.FullMethod, err)
	}
	return resp, st.Err()
}
