package rpcx

import (
	"context"
	"time"

	"zeromall/pkg/metric"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/proc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// Readiness answers whether the server can do its work: nil when what it cannot serve without
// (its database) answers within ctx's deadline.
type Readiness func(ctx context.Context) error

// How readiness is watched: a check a second, each given 2 s (a slow link's ping is not an absent
// database), and a server stops serving after notReadyAfter failures in a row, about 6 s — longer
// than a Galera writer failover (1–5 s), so a failover never takes every instance out at once,
// and short enough that an instance cut off from its database soon stops getting calls. One check
// that answers puts it back.
const (
	readyEvery    = time.Second
	readyTimeout  = 2 * time.Second
	notReadyAfter = 3
)

var serving = metric.Gauge("rpc", "serving",
	"1 while the server tells callers' balancers it is serving (gRPC health), 0 while its readiness check fails.")

// serveHealth registers the gRPC health service on s in place of go-zero's: SERVING while ready
// answers, NOT_SERVING while it does not (zeromall's rpc clients check health, so their balancers
// leave this server out), and NOT_SERVING for good at shutdown.
func serveHealth(s *grpc.Server, ready Readiness) {
	h := health.NewServer()
	healthpb.RegisterHealthServer(s, h)
	serving.Set(1)
	stop := func() {}
	if ready != nil {
		stop = watch(ready, readyEvery, func(ok bool) {
			status, gauge := healthpb.HealthCheckResponse_SERVING, 1.0
			if !ok {
				status, gauge = healthpb.HealthCheckResponse_NOT_SERVING, 0
			}
			h.SetServingStatus("", status)
			serving.Set(gauge)
		})
	}
	proc.AddShutdownListener(func() {
		stop()
		h.Shutdown()
		serving.Set(0)
	})
}

// watch runs ready every period until the returned function is called, and calls set when the
// server's state changes: false after notReadyAfter failures in a row, true at the next success.
func watch(ready Readiness, period time.Duration, set func(serving bool)) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(period)
		defer t.Stop()
		failed := 0
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			checkCtx, cancelCheck := context.WithTimeout(ctx, readyTimeout)
			err := ready(checkCtx)
			cancelCheck()
			switch {
			case ctx.Err() != nil:
				return
			case err == nil && failed >= notReadyAfter:
				logx.Info("readiness check answers again: serving")
				set(true)
				failed = 0
			case err == nil:
				failed = 0
			default:
				failed++
				if failed == notReadyAfter {
					logx.Errorf("readiness check failed %d times in a row, not serving until it answers: %v", failed, err)
					set(false)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
