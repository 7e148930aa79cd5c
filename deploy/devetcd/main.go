// Command devetcd runs a single-node etcd for the local stack (make run) when no etcd binary is
// installed. Development only: no auth, no TLS.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"zeromall/pkg/etcdembed"
)

func main() {
	dir := flag.String("data-dir", ".run/etcd", "data directory")
	client := flag.String("listen", "127.0.0.1:2379", "client address")
	peer := flag.String("peer", "127.0.0.1:2380", "peer address")
	flag.Parse()

	srv, err := etcdembed.Start(*dir, *client, *peer)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("etcd serving clients on %s\n", srv.Endpoint)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-sig:
	case err := <-srv.Err():
		fmt.Fprintln(os.Stderr, "etcd:", err)
	}
	srv.Stop()
}
