package middleware

import (
	"context"
	"net/http"

	"zeromall/apps/user/rpc/user"
	"zeromall/apps/user/rpc/user_client"
	"zeromall/pkg/authn"

	"github.com/zeromicro/go-zero/zrpc"
)

// AuthMiddleware authenticates the callers of the routes the .api file marks "middleware: Auth"
// (pkg/authn): the access token is verified here, its session by user-rpc.
type AuthMiddleware struct {
	handle func(http.HandlerFunc) http.HandlerFunc
}

func NewAuthMiddleware(secret string, users user_client.User) *AuthMiddleware {
	zrpc.DontLogClientContentForMethod(user.User_CheckSession_FullMethodName) // session ids stay out of logs
	return &AuthMiddleware{handle: authn.New(secret, func(ctx context.Context, uid int64, sid string) error {
		_, err := users.CheckSession(ctx, &user_client.CheckSessionReq{UserId: uid, SessionId: sid})
		return err
	})}
}

func (m *AuthMiddleware) Handle(next http.HandlerFunc) http.HandlerFunc {
	return m.handle(next)
}
