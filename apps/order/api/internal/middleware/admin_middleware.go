package middleware

import (
	"net/http"

	"zeromall/pkg/httpresult"
	"zeromall/pkg/session"
	"zeromall/pkg/xerr"
)

// AdminMiddleware lets through only callers whose access token carries the admin role; it runs
// after AuthMiddleware, which verified the token. A customer gets 403 {code,msg}. The role is the
// one the token was minted with: a promotion counts from the next login or refresh, and a
// demotion ends the user's sessions (make admin), so no token outlives its role.
type AdminMiddleware struct{}

func NewAdminMiddleware() *AdminMiddleware {
	return &AdminMiddleware{}
}

func (m *AdminMiddleware) Handle(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := session.Caller(r.Context())
		if err != nil {
			httpresult.WriteError(w, r, xerr.ErrUnauthorized)
			return
		}
		if !c.IsAdmin() {
			httpresult.WriteError(w, r, xerr.ErrForbidden.WithMsg("this route is for admins"))
			return
		}
		next(w, r)
	}
}
