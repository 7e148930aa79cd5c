// Package authn authenticates gateway requests. Each gateway declares the check in its .api file
// (`middleware: Auth`, so goctl keeps generating the routes) and builds it with New: the bearer
// token is verified locally (pkg/jwtx), then its session is asked about, so a logged-out,
// revoked, disabled or re-passworded session stops working at once, not when its token expires.
// Nothing here logs: a rejected request costs a 401 and no more.
package authn

import (
	"context"
	"net/http"
	"strings"

	"zeromall/pkg/httpresult"
	"zeromall/pkg/jwtx"
	"zeromall/pkg/sessioncache"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/rest"
	"github.com/zeromicro/go-zero/rest/httpx"
)

// SessionChecker reports whether a verified token's session is still live: nil, or an error
// (xerr.ErrUnauthorized for an ended session; anything else is an outage, a 503).
type SessionChecker func(ctx context.Context, uid int64, sid string) error

// CachedSessions answers from the session states user-rpc publishes in Redis (pkg/sessioncache)
// and asks user-rpc (ask) only when none is published or Redis fails.
func CachedSessions(published *sessioncache.Store, ask SessionChecker) SessionChecker {
	return func(ctx context.Context, uid int64, sid string) error {
		if st, ok := published.Lookup(ctx, sid); ok {
			return st.Err(uid)
		}
		return ask(ctx, uid, sid)
	}
}

// New returns the gateways' Auth middleware: 401 {code,msg} for a missing, malformed, forged,
// expired or ended token; otherwise the caller goes into the request context (jwtx.Caller).
func New(secret string, check SessionChecker) rest.Middleware {
	verifier := jwtx.NewVerifier(secret)
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
			next(w, r.WithContext(jwtx.WithCaller(r.Context(), claims)))
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
