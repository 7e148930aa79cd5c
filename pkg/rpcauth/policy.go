package rpcauth

import (
	"context"
	"crypto/tls"
	"maps"
	"slices"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/metric"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// Policy maps a full method name ("/order.Order/MarkPaid") to the processes that may call it.
// A method it does not name accepts nobody.
type Policy map[string][]string

var refused = metric.NewCounterVec(&metric.CounterVecOpts{
	Namespace: "zeromall",
	Subsystem: "rpc",
	Name:      "refused_total",
	Help:      "rpc calls refused by the internal boundary (no client certificate, or a caller the method does not accept)",
	Labels:    []string{"method", "code"},
})

// ServerCredentials asks callers for a certificate issued by a trusted CA. A caller without one
// still completes the handshake, so the interceptors can answer Unauthenticated rather than a
// transport error; a certificate from an untrusted CA fails the handshake.
func (id *Identity) ServerCredentials() credentials.TransportCredentials {
	return credentials.NewTLS(&tls.Config{
		Certificates: []tls.Certificate{id.cert},
		ClientCAs:    id.roots,
		ClientAuth:   tls.VerifyClientCertIfGiven,
		MinVersion:   tls.VersionTLS13,
	})
}

// ClientCredentials presents this identity to the process called server, whose certificate
// must carry that name: a caller can be pointed at the wrong address, never at the wrong service.
func (id *Identity) ClientCredentials(server string) credentials.TransportCredentials {
	return credentials.NewTLS(&tls.Config{
		Certificates: []tls.Certificate{id.cert},
		RootCAs:      id.roots,
		ServerName:   server,
		MinVersion:   tls.VersionTLS13,
	})
}

// Caller returns the verified name of the process that made the call, or "" when it presented
// no certificate.
func Caller(ctx context.Context) string {
	p, ok := peer.FromContext(ctx)
	if !ok {
		return ""
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok || len(info.State.VerifiedChains) == 0 || len(info.State.VerifiedChains[0]) == 0 {
		return ""
	}
	return info.State.VerifiedChains[0][0].Subject.CommonName
}

// WithHealth returns a copy of p in which every process p names may also ask the server's gRPC
// health (Check and Watch), as callers' balancers do.
func (p Policy) WithHealth() Policy {
	var callers []string
	for _, names := range p {
		for _, n := range names {
			if !slices.Contains(callers, n) {
				callers = append(callers, n)
			}
		}
	}
	out := maps.Clone(p)
	out[healthpb.Health_Check_FullMethodName] = callers
	out[healthpb.Health_Watch_FullMethodName] = callers
	return out
}

// check decides one call; the refusal is logged once, with the caller, and counted.
func (p Policy) check(ctx context.Context, method string) error {
	caller := Caller(ctx)
	var code codes.Code
	switch {
	case caller == "":
		code = codes.Unauthenticated
	case !slices.Contains(p[method], caller):
		code = codes.PermissionDenied
	default:
		return nil
	}
	addr := ""
	if pr, ok := peer.FromContext(ctx); ok {
		addr = pr.Addr.String()
	}
	who := caller
	if who == "" {
		who = "(no certificate)"
	}
	// "identity", not "caller": logx already uses that field for the source line.
	logx.WithContext(ctx).Errorw("rpc call refused",
		logx.Field("method", method), logx.Field("identity", who), logx.Field("peer", addr), logx.Field("code", code.String()))
	refused.Inc(method, code.String())
	if code == codes.Unauthenticated {
		return status.Error(code, "no client certificate: callers authenticate with mutual TLS")
	}
	return status.Errorf(code, "%s may not call %s", caller, method)
}

// Unary enforces the policy on unary calls.
func (p Policy) Unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if err := p.check(ctx, info.FullMethod); err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

// Stream enforces the policy on streams (health watches, reflection).
func (p Policy) Stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if err := p.check(ss.Context(), info.FullMethod); err != nil {
		return err
	}
	return handler(srv, ss)
}
