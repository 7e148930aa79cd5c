// Command devnats runs a single-node NATS server with JetStream for the local stack (make run) and
// for the test harness (pkg/testkit). Development only: no TLS, and a user and password only when
// -user is given.
//
// It is its own Go module so that the NATS server (and its dependencies) never enter the main
// module, which links only the client (github.com/nats-io/nats.go).
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

func main() {
	dir := flag.String("data-dir", ".run/nats", "JetStream's store directory")
	listen := flag.String("listen", "127.0.0.1:4222", "client address (host:port)")
	user := flag.String("user", "", "the one user clients must log in as (none: no auth)")
	password := flag.String("password", "", "that user's password")
	flag.Parse()

	s, err := start(*dir, *listen, *user, *password)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("nats serving clients on %s\n", *listen)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	s.Shutdown()
	s.WaitForShutdown()
}

// start runs the server with JetStream's files in dir and returns once it accepts clients.
func start(dir, listen, user, password string) (*server.Server, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("listen %q: %w", listen, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return nil, fmt.Errorf("listen %q: %w", listen, err)
	}
	opts := &server.Options{
		ServerName: "zeromall-dev",
		Host:       host,
		Port:       p,
		JetStream:  true,
		StoreDir:   dir,
		Username:   user,
		Password:   password,
		NoSigs:     true,
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("nats: %w", err)
	}
	go s.Start()
	if !s.ReadyForConnections(30 * time.Second) {
		s.Shutdown()
		return nil, fmt.Errorf("nats not ready after 30s")
	}
	return s, nil
}
