// cors.go lets browsers on allowed origins call a gateway: it answers their preflights and
// marks the answers they may read. It stands outermost, in front of the overload gate, so a
// preflight costs a header check and a map lookup, never a trace, a log line or an admission slot.
//
// go-zero's rest.WithCors does not fit: with no origin it allows every one, an entry also allows
// every subdomain under any scheme, it cannot allow "any port of localhost" (development), it
// replaces the gateway's JSON 404/405 answers, it sends Allow-Credentials (the gateways use bearer
// tokens, never cookies), and it wraps the router, behind the overload gate.

package gateway

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"zeromall/pkg/confx"
	"zeromall/pkg/httpresult"
	"zeromall/pkg/xerr"
)

// What a browser may send and read. The gateways take bearer tokens in Authorization, never
// cookies, so credentials (Access-Control-Allow-Credentials) are not allowed.
const (
	AllowedMethods = "GET, POST, PUT, PATCH, DELETE"
	AllowedHeaders = "Authorization, Content-Type, Idempotency-Key"
	ExposedHeaders = "X-Trace-Id, Retry-After"
	// maxAge is how long a browser may keep a preflight's answer (Chromium caps it at 2 hours).
	maxAge = "600"
)

// AnyOrigin allows every origin; development only.
const AnyOrigin = "*"

// DevOrigins is what a development gateway allows when none is configured: pages served from any
// port of this machine, the API explorer's among them.
var DevOrigins = []string{"http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"}

// CORSPolicy is a gateway's allow-list of origins.
type CORSPolicy struct {
	exact   map[string]struct{}
	anyPort []string // "scheme://host:", from entries ending in ":*"
	any     bool
}

// NewCORS parses a list of origins separated by commas or spaces: each is "*", an origin
// ("https://shop.example.com", "http://localhost:5173"), or an origin whose port is "*"
// ("http://localhost:*"). Production takes neither wildcard. An empty list allows no origin in
// production, and DevOrigins in development.
func NewCORS(origins string, env confx.Env) (*CORSPolicy, error) {
	list := strings.FieldsFunc(origins, func(r rune) bool { return r == ',' || r == ' ' })
	if len(list) == 0 && env == confx.Development {
		list = DevOrigins
	}
	p := &CORSPolicy{exact: map[string]struct{}{}}
	var errs []string
	for _, o := range list {
		if err := p.add(o, env); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return p, nil
}

func (p *CORSPolicy) add(o string, env confx.Env) error {
	if o == AnyOrigin {
		if env == confx.Production {
			return fmt.Errorf("%q allows every website to call the API from its visitors' browsers: not allowed when %s=production; list the front ends' origins", o, confx.EnvVar)
		}
		p.any = true
		return nil
	}
	host, wildPort := strings.CutSuffix(o, ":*")
	u, err := url.Parse(host)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil || u.Fragment != "" {
		return fmt.Errorf("%q is not an origin: want scheme://host[:port], e.g. https://shop.example.com", o)
	}
	if strings.Contains(u.Host, "*") {
		return fmt.Errorf("%q: only the port may be \"*\"", o)
	}
	if wildPort {
		if u.Port() != "" {
			return fmt.Errorf("%q has two ports", o)
		}
		if env == confx.Production {
			return fmt.Errorf("%q allows any port: not allowed when %s=production; list each origin", o, confx.EnvVar)
		}
		p.anyPort = append(p.anyPort, strings.ToLower(host)+":")
		return nil
	}
	p.exact[strings.ToLower(o)] = struct{}{}
	return nil
}

// Empty reports whether no origin is allowed.
func (p *CORSPolicy) Empty() bool { return !p.any && len(p.exact) == 0 && len(p.anyPort) == 0 }

// String lists the allowed origins, for the gateway's start-up line.
func (p *CORSPolicy) String() string {
	if p.any {
		return AnyOrigin
	}
	var all []string
	for o := range p.exact {
		all = append(all, o)
	}
	slices.Sort(all)
	for _, o := range p.anyPort {
		all = append(all, o+"*")
	}
	if len(all) == 0 {
		return "none"
	}
	return strings.Join(all, " ")
}

// Allows reports whether a page on origin may call the gateway.
func (p *CORSPolicy) Allows(origin string) bool {
	if p.any {
		return true
	}
	origin = strings.ToLower(origin)
	if _, ok := p.exact[origin]; ok {
		return true
	}
	for _, prefix := range p.anyPort {
		if port, ok := strings.CutPrefix(origin, prefix); ok && isPort(port) {
			return true
		}
	}
	return false
}

func isPort(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Handler answers preflights from allowed origins (204) and refuses those from other origins
// (403); other requests go on to next, with the headers that let an allowed page read the answer.
// A request from another origin is not refused: the browser keeps its answer from the page, and
// without cookies it carries no credential the page could borrow.
func (p *CORSPolicy) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		preflight := r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != ""
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h["Vary"] = append(h["Vary"], "Origin")
		allowed := p.Allows(origin)
		switch {
		case preflight && allowed:
			h["Access-Control-Allow-Origin"] = []string{origin}
			h["Access-Control-Allow-Methods"] = []string{AllowedMethods}
			h["Access-Control-Allow-Headers"] = []string{AllowedHeaders}
			h["Access-Control-Max-Age"] = []string{maxAge}
			w.WriteHeader(http.StatusNoContent)
		case preflight:
			httpresult.WriteError(w, r, xerr.ErrForbidden.WithMsgf("origin %q may not call this API from a browser (the gateway's CORS_ORIGINS)", origin))
		case allowed:
			h["Access-Control-Allow-Origin"] = []string{origin}
			h["Access-Control-Expose-Headers"] = []string{ExposedHeaders}
			next.ServeHTTP(w, r)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// Wrap is a rest.StartOption (server.StartWithOpts): pass it last, so it stands outermost.
func (p *CORSPolicy) Wrap(svr *http.Server) {
	svr.Handler = p.Handler(svr.Handler)
}
