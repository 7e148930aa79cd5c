package rpcx

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zeromicro/go-zero/zrpc"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"
)

// serve runs a gRPC server with serveHealth's health service over ready and returns its address.
func serve(t *testing.T, ready Readiness) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer()
	serveHealth(s, ready)
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	return lis.Addr().String()
}

// answeredBy makes calls through cli for d, one every 10 ms, and counts them by the server that
// answered.
func answeredBy(t *testing.T, cli zrpc.Client, d time.Duration) map[string]int {
	t.Helper()
	seen := map[string]int{}
	hc := healthpb.NewHealthClient(cli.Conn())
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		var p peer.Peer
		if _, err := hc.Check(context.Background(), &healthpb.HealthCheckRequest{}, grpc.Peer(&p)); err != nil {
			t.Fatalf("call failed: %v", err)
		}
		seen[p.Addr.String()]++
	}
	return seen
}

// go-zero's balancer alone sends a call to each of two instances at least once a second, whatever
// their answers; with health checking, an instance whose readiness fails gets none until it
// answers again.
func TestHealth_CallsLeaveAnInstanceThatIsNotReady(t *testing.T) {
	var unreachable atomic.Bool
	a := serve(t, func(context.Context) error {
		if unreachable.Load() {
			return errors.New("database unreachable")
		}
		return nil
	})
	b := serve(t, nil)
	cli := MustNewClient(zrpc.RpcClientConf{Endpoints: []string{a, b}, Timeout: 1000})

	if seen := answeredBy(t, cli, 2500*time.Millisecond); seen[a] == 0 || seen[b] == 0 {
		t.Fatalf("before the fault the calls went %v, want both %s and %s", seen, a, b)
	}

	unreachable.Store(true)
	time.Sleep(time.Duration(notReadyAfter+1)*readyEvery + 500*time.Millisecond)
	if seen := answeredBy(t, cli, 2500*time.Millisecond); seen[a] != 0 || seen[b] == 0 {
		t.Fatalf("with %s not ready the calls went %v, want all to %s", a, seen, b)
	}

	unreachable.Store(false)
	time.Sleep(2 * readyEvery)
	if seen := answeredBy(t, cli, 2500*time.Millisecond); seen[a] == 0 {
		t.Fatalf("after %s answered again the calls went %v, want some to it", a, seen)
	}
}
