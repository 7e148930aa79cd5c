package overload

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zeromall/pkg/httpresult"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/breaker"
	"github.com/zeromicro/go-zero/core/search"
	"github.com/zeromicro/go-zero/rest"
)

// rejection is the whole 503 answer, encoded once.
var rejection = func() []byte {
	b, err := json.Marshal(map[string]any{"code": xerr.ErrServiceUnavailable.Code, "msg": xerr.ErrServiceUnavailable.Msg})
	if err != nil {
		panic(err)
	}
	return b
}()

// routeGate guards one route: its lane (nil when admission is off) and go-zero's breaker for
// the route, under the name go-zero's own breaker middleware gives it.
type routeGate struct {
	lane *Lane
	brk  breaker.Breaker
}

// Gate guards a gateway's routes at the outermost edge of its handler, before tracing, logging,
// metrics, authentication and body reading: a rejected request costs a route lookup, a counter
// and a pre-encoded 503 — less than a 404, which go-zero traces. It takes over go-zero's
// per-route breaker and shedding middlewares (both turned off in the gateway YAMLs: they log a
// line per rejected request); paths that match no route pass through to go-zero's 404.
type Gate struct {
	trees map[string]*search.Tree // by method
}

// NewGate builds the gate for routes. enabled decides the lanes; the breakers are always on.
func NewGate(routes []rest.Route, c Config, enabled bool) *Gate {
	g := &Gate{trees: map[string]*search.Tree{}}
	for _, r := range routes {
		tree, ok := g.trees[r.Method]
		if !ok {
			tree = search.NewTree()
			g.trees[r.Method] = tree
		}
		rg := &routeGate{brk: breaker.NewBreaker(breaker.WithName(r.Method + "://" + r.Path))}
		if enabled {
			rg.lane = NewLane(r.Method+" "+r.Path, c)
		}
		if err := tree.Add(r.Path, rg); err != nil {
			panic(err) // go-zero would have refused the route already
		}
	}
	return g
}

// Wrap is a rest.StartOption (server.StartWithOpts): pass it after every option but pkg/gateway's,
// so that only preflights are answered before it.
func (g *Gate) Wrap(svr *http.Server) {
	svr.Handler = g.Handler(svr.Handler)
}

// Handler guards next.
func (g *Gate) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rg := g.route(r)
		if rg == nil {
			next.ServeHTTP(w, r)
			return
		}
		promise, err := rg.brk.Allow()
		if err != nil {
			BreakerRejected(Route)
			if rg.lane != nil {
				rg.lane.stat.reject(ReasonBreaker)
			}
			reject(w)
			return
		}
		var start time.Time
		if rg.lane != nil {
			var ok bool
			if start, ok = rg.lane.Acquire(r.Context()); !ok {
				promise.Accept() // shedding is not a failure of the route
				reject(w)
				return
			}
		}
		sw := httpresult.NewStatusWriter(w)
		defer func() {
			if rg.lane != nil {
				rg.lane.Release(start)
			}
			if routeFailure(sw.Status) {
				promise.Reject(strconv.Itoa(sw.Status))
			} else {
				promise.Accept()
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// routeFailure reports whether status counts against the route's breaker: a 5xx the route itself
// produced. A 503 (a breaker or shedder beneath refused) and a 504 (an rpc ran out of time) are
// already counted by the rpc client's breaker on that method; counting them here too would stack
// two breakers on one failure, each refusal adding to the other's history, and the route would
// stay shut for seconds after its dependency healed.
func routeFailure(status int) bool {
	return status >= http.StatusInternalServerError &&
		status != http.StatusServiceUnavailable && status != http.StatusGatewayTimeout
}

func (g *Gate) route(r *http.Request) *routeGate {
	tree, ok := g.trees[r.Method]
	if !ok {
		return nil
	}
	path := r.URL.Path
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/") // as go-zero's router matches
	}
	res, ok := tree.Search(path)
	if !ok {
		return nil
	}
	return res.Item.(*routeGate)
}

var rejectionLength = []string{strconv.Itoa(len(rejection))}

func reject(w http.ResponseWriter) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json; charset=utf-8"}
	h["Content-Length"] = rejectionLength
	h["Retry-After"] = []string{"1"}
	h["Date"] = nil // optional on a 5xx (RFC 9110 §6.6.1); saves formatting the clock per rejection
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write(rejection)
}
