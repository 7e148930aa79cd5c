package rpcx

import (
	"fmt"

	"zeromall/pkg/overload"
	"zeromall/pkg/rpcauth"

	"github.com/zeromicro/go-zero/core/proc"
	"github.com/zeromicro/go-zero/core/service"
	"github.com/zeromicro/go-zero/zrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"
)

// Service is one rpc service as its main hands it to Serve.
type Service struct {
	Conf     zrpc.RpcServerConf
	Overload overload.Config
	Identity rpcauth.Config
	Policy   rpcauth.Policy // who may call each method
	Rules    Rules          // what callers may do with each method
	Ready    Readiness      // nil for none
	Register func(*grpc.Server)
}

// Serve builds s's server (MustNewServer) and serves until the process is told to stop, then
// stops the server and the background loops. The caller starts the loops before Serve, so a
// journal drainer clears what a crashed predecessor left before the first call arrives.
func Serve(s Service, loops ...Stopper) {
	srv := MustNewServer(s.Conf, s.Overload, rpcauth.MustLoad(s.Identity), s.Policy, s.Rules, s.Ready,
		func(g *grpc.Server) {
			s.Register(g)
			if s.Conf.Mode == service.DevMode || s.Conf.Mode == service.TestMode {
				reflection.Register(g)
			}
		})
	defer srv.Stop()
	for _, l := range loops {
		proc.AddShutdownListener(l.Stop)
	}
	fmt.Printf("Starting rpc server at %s...\n", s.Conf.ListenOn)
	srv.Start()
}

// Stopper is what runs in the background of a service and stops at shutdown: a worker.Loop, an
// events.Consumer.
type Stopper = interface{ Stop() }
