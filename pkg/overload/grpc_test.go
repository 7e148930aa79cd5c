package overload

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestUnaryServerInterceptor_ShedsPerMethod(t *testing.T) {
	c := fixedConfig(1)
	c.MaxWait = 0
	intercept := UnaryServerInterceptor(c, true)
	release, entered := make(chan struct{}), make(chan struct{})
	slow := func(context.Context, any) (any, error) { entered <- struct{}{}; <-release; return "ok", nil }
	fast := func(context.Context, any) (any, error) { return "ok", nil }
	method := "/svc.S/" + t.Name()
	info := &grpc.UnaryServerInfo{FullMethod: method}

	done := make(chan error)
	go func() { _, err := intercept(context.Background(), nil, info, slow); done <- err }()
	<-entered
	if _, err := intercept(context.Background(), nil, info, fast); status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("a call over the limit got %v, want ResourceExhausted", err)
	}
	if _, err := intercept(context.Background(), nil, &grpc.UnaryServerInfo{FullMethod: method + "Other"}, fast); err != nil {
		t.Fatalf("another method was shed with this one: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(rejectedTotal.WithLabelValues(method, ReasonQueueFull)); got != 1 {
		t.Fatalf("rejected counter %v, want 1", got)
	}

	off := UnaryServerInterceptor(c, false)
	if _, err := off(context.Background(), nil, info, fast); err != nil {
		t.Fatalf("a disabled interceptor refused a call: %v", err)
	}
}
