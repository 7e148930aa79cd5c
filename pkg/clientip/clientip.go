// Package clientip passes the caller's IP from a gateway request to its logic (for per-IP
// limits). It trusts only the TCP peer address: X-Forwarded-For is client-controlled unless a
// trusted proxy sets it, and trusting it would let anyone dodge a per-IP limit.
package clientip

import (
	"context"
	"net"
	"net/http"
)

type ctxKey struct{}

// Middleware stores the peer IP of every request in its context; use it with server.Use.
func Middleware(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		next(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, host)))
	}
}

// FromContext returns the IP stored by Middleware, or "".
func FromContext(ctx context.Context) string {
	ip, _ := ctx.Value(ctxKey{}).(string)
	return ip
}
