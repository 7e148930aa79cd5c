// Package etcdembed runs a single-node etcd inside the current process: the test harness uses it,
// and so does deploy/devetcd, so a local stack needs no etcd package.
package etcdembed

import (
	"fmt"
	"net/url"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// Server is a running single-node etcd.
type Server struct {
	etcd     *embed.Etcd
	Endpoint string // host:port for clients
}

// Start runs etcd with its data in dir, serving clients on clientAddr and peers on peerAddr
// (both host:port). It returns once the node is ready to serve.
func Start(dir, clientAddr, peerAddr string) (*Server, error) {
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
		return &Server{etcd: e, Endpoint: clientAddr}, nil
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("etcd failed while starting: %w", err)
	case <-time.After(30 * time.Second):
		e.Close()
		return nil, fmt.Errorf("etcd not ready after 30s")
	}
}

// Stop shuts the node down; its data stays in dir for a later Start.
func (s *Server) Stop() {
	s.etcd.Close()
}

// Err reports a fatal server error.
func (s *Server) Err() <-chan error {
	return s.etcd.Err()
}
