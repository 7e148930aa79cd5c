package access

import (
	"context"

	"zeromall/apps/user/rpc/user"

	"google.golang.org/grpc"
)

// sessionAsker is the one user-rpc method a gateway's Auth middleware needs; user_client.User
// and the generated gRPC client both have it.
type sessionAsker interface {
	CheckSession(ctx context.Context, in *user.CheckSessionReq, opts ...grpc.CallOption) (*user.CheckSessionResp, error)
}

// CheckSession is what every gateway's Auth middleware asks user-rpc when a session's state is
// not published in Redis (pkg/gateway: Gateway.Auth): nil for a live session, the rpc's error
// otherwise.
func CheckSession(users sessionAsker) func(ctx context.Context, uid int64, sid string) error {
	return func(ctx context.Context, uid int64, sid string) error {
		_, err := users.CheckSession(ctx, &user.CheckSessionReq{UserId: uid, SessionId: sid})
		return err
	}
}
