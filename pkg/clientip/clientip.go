// Package clientip finds the caller's real IP for per-IP limits and passes it from a gateway
// request to its logic. X-Forwarded-For is client-controlled, so it is read only when the TCP
// peer is a trusted proxy (a configured CIDR; none by default), and then only the hops that
// trusted proxies appended: the rightmost address that is not itself a trusted proxy.
package clientip

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

type ctxKey struct{}

// Resolver tells a request's client IP.
type Resolver struct {
	trusted []netip.Prefix
}

// New parses the trusted proxy CIDRs (a bare address means that one host).
func New(trustedProxies []string) (*Resolver, error) {
	r := &Resolver{}
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
func (res *Resolver) ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !res.isTrusted(host) {
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

func (res *Resolver) isTrusted(ip string) bool {
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
func (res *Resolver) Middleware(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		next(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, res.ClientIP(r))))
	}
}

// FromContext returns the IP stored by Middleware, or "".
func FromContext(ctx context.Context) string {
	ip, _ := ctx.Value(ctxKey{}).(string)
	return ip
}
