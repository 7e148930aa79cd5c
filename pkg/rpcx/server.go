// server.go builds every zRPC server the same way: mutual TLS, caller policy, error
// mapping, and a gRPC health service that follows the server's readiness.

package rpcx

import (
	"errors"
	"slices"
	"strings"

	"zeromall/pkg/confx"
	"zeromall/pkg/overload"
	"zeromall/pkg/rpcauth"

	"github.com/zeromicro/go-zero/zrpc"
	"google.golang.org/grpc"
)

// MustNewServer is zrpc.MustNewServer serving mutual TLS as id, with policy deciding who may
// call what, admission lanes per method (pkg/overload, tuned by o) and zeromall's interceptors.
//
// The policy and the lanes run before go-zero's own interceptors (options come first in gRPC's
// chain): a refused or shed call costs a map lookup and a counter, is never counted by the
// breaker and never reaches the stat log with its content. go-zero's CPU shedder is replaced by
// the lanes: set CpuThreshold to 0.
//
// policy and rules (what callers may do with each method, pkg/rpcx) must decide on every
// method the server registers, or MustNewServer panics: a new rpc is declared, not defaulted.
// Methods whose rule says Secret are never logged with their content.
//
// ready (nil for none) is watched while the server runs: while it fails, the server's gRPC health
// says NOT_SERVING and callers built by pkg/rpcx send their calls to other instances. Every
// process the policy names may ask the server's health.
func MustNewServer(c zrpc.RpcServerConf, o overload.Config, id *rpcauth.Identity, policy rpcauth.Policy, rules Rules,
	ready Readiness, register func(*grpc.Server)) *zrpc.RpcServer {
	c.Telemetry = confx.Tracing(c.Telemetry)
	c.Health = false // go-zero's health service always says SERVING; serveHealth's follows ready
	s := zrpc.MustNewServer(c, func(s *grpc.Server) {
		register(s)
		if err := CheckContract(registered(s), policy, rules); err != nil {
			panic(err)
		}
		serveHealth(s, ready)
	})
	for m, r := range rules {
		if r.Secret {
			zrpc.DontLogContentForMethod(m)
		}
	}
	withHealth := policy.WithHealth()
	s.AddOptions(grpc.Creds(id.ServerCredentials()),
		grpc.ChainUnaryInterceptor(withHealth.Unary, overload.UnaryServerInterceptor(o, o.Enabled(c.Mode))),
		grpc.ChainStreamInterceptor(withHealth.Stream))
	s.AddUnaryInterceptors(ServerSlow, ServerErrors)
	return s
}

// CheckContract reports the methods that policy or rules leave undecided, and the entries of
// either that name no method (a renamed rpc).
func CheckContract(methods []string, policy rpcauth.Policy, rules Rules) error {
	return errors.Join(
		CheckDecided(policy, methods, "is in no access policy: say who may call it", "the access policy"),
		rules.CheckCovers(methods),
	)
}

// registered lists the full names of the methods served by s, but gRPC's own services
// (reflection).
func registered(s *grpc.Server) []string {
	var methods []string
	for name, info := range s.GetServiceInfo() {
		if strings.HasPrefix(name, "grpc.") {
			continue
		}
		for _, m := range info.Methods {
			methods = append(methods, "/"+name+"/"+m.Name)
		}
	}
	slices.Sort(methods)
	return methods
}
