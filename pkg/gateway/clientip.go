// clientip.go finds the caller's real IP for per-IP limits and passes it from a gateway
// request to its logic. X-Forwarded-For is client-controlled, so it is read only when the TCP
// peer is a trusted proxy (a configured CIDR; none by default), and then only the hops that
// trusted proxies appended: the rightmost address that is not itself a trusted proxy.

package gateway

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/zeromicro/go-zero/core/logx"
)

type ctxKey struct{}

// ClientIPResolver tells a request's client IP.
type ClientIPResolver struct {
	trusted []netip.Prefix
	// warnedAt is when a forwarded request from an untrusted peer was last logged (unix seconds).
	warnedAt atomic.Int64
}

// warnEvery spaces the warnings about forwarded requests nobody trusts.
const warnEvery = time.Minute

// NewClientIPResolver parses the trusted proxy CIDRs (a bare address means that one host).
func NewClientIPResolver(trustedProxies []string) (*ClientIPResolver, error) {
	r := &ClientIPResolver{}
	for _, s := range trustedProxies {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			addr, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: %w", s, err)
			}
			r.trusted = append(r.trusted, netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", s, err)
		}
		r.trusted = append(r.trusted, p.Masked())
	}
	return r, nil
}

// ClientIP returns the client address of r.
func (res *ClientIPResolver) ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !res.isTrusted(host) {
		if len(res.trusted) == 0 && r.Header.Get("X-Forwarded-For") != "" {
			res.warnUntrustedProxy(host)
		}
		return host
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			hop := strings.TrimSpace(parts[j])
			addr, err := netip.ParseAddr(hop)
			if err != nil {
				return host // a garbled chain: trust only what we saw ourselves
			}
			if !res.isTrusted(hop) {
				return addr.Unmap().String()
			}
			host = addr.Unmap().String()
		}
	}
	return host // every hop is a trusted proxy: the leftmost one is the best we know
}

// warnUntrustedProxy says, at most once a minute, that a request came forwarded while no proxy is
// trusted: behind a real proxy, every client would share the proxy's per-IP limits. A client may
// send the header itself, so this is a warning, not a refusal.
func (res *ClientIPResolver) warnUntrustedProxy(peer string) {
	now := time.Now().Unix()
	last := res.warnedAt.Load()
	if now-last < int64(warnEvery/time.Second) || !res.warnedAt.CompareAndSwap(last, now) {
		return
	}
	logx.Errorf("a request from %s carries X-Forwarded-For but no proxy is trusted (TRUSTED_PROXIES): "+
		"if this gateway sits behind a proxy, every client shares its per-IP limits", peer)
}

func (res *ClientIPResolver) isTrusted(ip string) bool {
	if len(res.trusted) == 0 {
		return false
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range res.trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// Middleware stores the client IP of every request in its context; use it with server.Use.
func (res *ClientIPResolver) Middleware(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		next(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, res.ClientIP(r))))
	}
}

// ClientIP returns the IP stored by Middleware, or "".
func ClientIP(ctx context.Context) string {
	ip, _ := ctx.Value(ctxKey{}).(string)
	return ip
}
