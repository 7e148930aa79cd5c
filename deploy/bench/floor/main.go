// Command floor is the hand-wired baseline make bench measures zeromall against: the same two
// requests, with no framework. GET /user/v1/me is net/http + golang-jwt + go-redis (one GET of the
// session state zeromall's user-rpc publishes) → grpc-go → go-redis (one GET of the row
// zeromall's user-rpc caches); both requests check the session that way; POST /order/v1/orders is net/http + golang-jwt →
// grpc-go → one MySQL transaction (conditional stock decrement, price read, order, line and stock
// ledger inserts, commit). It speaks the same protobuf messages on the wire, over the same mutual
// TLS (pkg/rpcauth's development identities; -tls=false for plaintext), on the same MariaDB,
// Redis and tables.
//
// It runs as two processes, as zeromall's gateway and rpc do:
//
//	floor -role rpc  -listen 127.0.0.1:9191 -user-dsn ... -order-dsn ... -redis 127.0.0.1:6379
//	floor -role http -listen 127.0.0.1:8991 -rpc 127.0.0.1:9191 -secret ...
//
// What it leaves out is what the floor is for: no unpaid-order cap, idempotency keys, metrics,
// tracing, breakers, admission control, timeouts per method or cache invalidation.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	var (
		role     = flag.String("role", "", "http or rpc")
		listen   = flag.String("listen", "", "address to serve on")
		rpcAddr  = flag.String("rpc", "127.0.0.1:9191", "http: the floor rpc's address")
		secret   = flag.String("secret", "dev-only-jwt-secret-change-me-0123456789", "http: the JWT secret")
		useTLS   = flag.Bool("tls", true, "mutual TLS between the two processes, as zeromall's")
		userDSN  = flag.String("user-dsn", "root:@tcp(127.0.0.1:3306)/zeromall_user?parseTime=true", "rpc: the user database")
		orderDSN = flag.String("order-dsn", "root:@tcp(127.0.0.1:3306)/zeromall_order?parseTime=true", "rpc: the order database")
		redisAdr = flag.String("redis", "127.0.0.1:6379", "Redis (http: session states; rpc: cached rows)")
	)
	flag.Parse()
	lis, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("floor: %v", err)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	switch *role {
	case "rpc":
		srv, err := newRPCServer(*useTLS, *userDSN, *orderDSN, *redisAdr)
		if err != nil {
			log.Fatalf("floor: %v", err)
		}
		go func() { <-stop; srv.Stop() }()
		err = srv.Serve(lis)
		if err != nil {
			log.Fatalf("floor: %v", err)
		}
	case "http":
		h, err := newGateway(*rpcAddr, *secret, *redisAdr, *useTLS)
		if err != nil {
			log.Fatalf("floor: %v", err)
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
		go func() { <-stop; _ = srv.Close() }()
		if err := srv.Serve(lis); err != http.ErrServerClosed {
			log.Fatalf("floor: %v", err)
		}
	default:
		fmt.Fprintln(os.Stderr, "floor: -role must be http or rpc")
		os.Exit(2)
	}
}
