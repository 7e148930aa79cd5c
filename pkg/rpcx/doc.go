// Package rpcx is everything a zRPC server or client shares, as pkg/gateway is for an HTTP
// gateway: server.go and health.go build a server (mutual TLS, caller policy, error mapping, a
// health service that follows readiness); client.go, rules.go and breaker.go build a client
// (health-checked balancing, per-method rules, the hop's own breaker); the interceptors log,
// retry and map errors on both sides.
package rpcx
