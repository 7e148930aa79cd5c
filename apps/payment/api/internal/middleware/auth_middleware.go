package middleware

import (
	"context"
	"net/http"

	"zeromall/apps/user/rpc/user_client"
	"zeromall/pkg/authn"
	"zeromall/pkg/sessioncache"
)

// AuthMiddleware authenticates the callers of the routes the .api file marks "middleware: Auth"
// (pkg/authn): the access token is verified here; its session is looked up in the states user-rpc
// publishes in Redis (pkg/sessioncache), and user-rpc is asked when none is there.
type AuthMiddleware struct {
	handle func(http.HandlerFunc) http.HandlerFunc
}

func NewAuthMiddleware(secret string, published *sessioncache.Store, users user_client.User) *AuthMiddleware {
	ask := func(ctx context.Context, uid int64, sid string) error {
		_, err := users.CheckSession(ctx, &user_client.CheckSessionReq{UserId: uid, SessionId: sid})
		return err
	}
	return &AuthMiddleware{handle: authn.New(secret, authn.CachedSessions(published, ask))}
}

func (m *AuthMiddleware) Handle(next http.HandlerFunc) http.HandlerFunc {
	return m.handle(next)
}
