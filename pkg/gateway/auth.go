// auth.go authenticates gateway requests. Each gateway declares the check in its .api file
// (`middleware: Auth`, so goctl keeps generating the routes) and builds it with NewAuth: the bearer
// token is verified locally (pkg/session), then its session is asked about, so a logged-out,
// revoked, disabled or re-passworded session stops working at once, not when its token expires.
// Nothing here logs: a rejected request costs a 401 and no more.

package gateway

import (
	"context"
	"net/http"
	"strings"

	"zeromall/pkg/httpresult"
	"zeromall/pkg/session"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/rest"
	"github.com/zeromicro/go-zero/rest/httpx"
)

// Auth is the middleware of the routes the .api files mark "middleware: Auth": the
// access token is verified here, and its session looked up in the states user-rpc publishes in
// Redis (pkg/session); ask (user-rpc's CheckSession) answers when none is published.
func (g *Gateway) Auth(ask SessionChecker) rest.Middleware {
	published := session.NewReader(redis.MustNewRedis(g.conf.SessionRedis))
	return NewAuth(g.conf.Auth.AccessSecret, CachedSessions(published, ask))
}

// SessionChecker reports whether a verified token's session is still live: nil, or an error
// (xerr.ErrUnauthorized for an ended session; anything else is an outage, a 503).
type SessionChecker func(ctx context.Context, uid int64, sid string) error

// CachedSessions answers from the session states user-rpc publishes in Redis (pkg/session)
// and asks user-rpc (ask) only when none is published or Redis fails.
func CachedSessions(published *session.Store, ask SessionChecker) SessionChecker {
	return func(ctx context.Context, uid int64, sid string) error {
		if st, ok := published.Lookup(ctx, sid); ok {
			return st.Err(uid)
		}
		return ask(ctx, uid, sid)
	}
}

// NewAuth returns the gateways' Auth middleware: 401 {code,msg} for a missing, malformed, forged,
// expired or ended token; otherwise the caller goes into the request context (session.Caller).
func NewAuth(secret string, check SessionChecker) rest.Middleware {
	verifier := session.NewVerifier(secret)
	return func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			claims, err := verifier.Verify(bearer(r))
			if err != nil {
				httpresult.WriteError(w, r, xerr.ErrUnauthorized)
				return
			}
			if err := check(r.Context(), claims.UserID, claims.SessionID); err != nil {
				httpx.ErrorCtx(r.Context(), w, err)
				return
			}
			next(w, r.WithContext(session.WithCaller(r.Context(), claims)))
		}
	}
}

func bearer(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	if len(auth) < 7 || !strings.EqualFold(auth[:7], "Bearer ") {
		return ""
	}
	return strings.TrimSpace(auth[7:])
}
