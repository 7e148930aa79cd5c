// Command devetcd runs a single-node etcd for the local stack (make run) and for the test harness
// (pkg/testkit) when no etcd binary is installed. Development only: no auth, no TLS.
//
// It is its own Go module so that the etcd server (and its dependencies) never enter the main
// module: production binaries cannot link it and govulncheck on ./... does not see it.
package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

func main() {
	dir := flag.String("data-dir", ".run/etcd", "data directory")
	client := flag.String("listen", "127.0.0.1:2379", "client address (host:port)")
	peer := flag.String("peer", "127.0.0.1:2380", "peer address (host:port)")
	flag.Parse()

	e, err := start(*dir, *client, *peer)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("etcd serving clients on %s\n", *client)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-sig:
	case err := <-e.Err():
		fmt.Fprintln(os.Stderr, "etcd:", err)
	}
	e.Close()
}

// start runs etcd with its data in dir and returns once the node is ready to serve.
func start(dir, clientAddr, peerAddr string) (*embed.Etcd, error) {
	cfg := embed.NewConfig()
	cfg.Name = "zeromall"
	cfg.Dir = dir
	cfg.LogLevel = "error"
	client := url.URL{Scheme: "http", Host: clientAddr}
	peer := url.URL{Scheme: "http", Host: peerAddr}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, fmt.Errorf("start etcd: %w", err)
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, nil
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("etcd failed while starting: %w", err)
	case <-time.After(30 * time.Second):
		e.Close()
		return nil, fmt.Errorf("etcd not ready after 30s")
	}
}
