package interceptor

import (
	"context"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestLimitInFlight(t *testing.T) {
	limit := LimitInFlight([]InFlightLimit{{FullMethod: "/svc/Slow", Limit: 2}})
	release := make(chan struct{})
	var entered sync.WaitGroup
	slow := func(ctx context.Context, req any) (any, error) {
		entered.Done()
		<-release
		return "ok", nil
	}
	info := &grpc.UnaryServerInfo{FullMethod: "/svc/Slow"}
	results := make(chan error, 2)
	entered.Add(2)
	for range 2 {
		go func() {
			_, err := limit(context.Background(), nil, info, slow)
			results <- err
		}()
	}
	entered.Wait()
	if _, err := limit(context.Background(), nil, info, slow); status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("third concurrent call: %v, want ResourceExhausted", err)
	}
	other := &grpc.UnaryServerInfo{FullMethod: "/svc/Other"}
	if _, err := limit(context.Background(), nil, other, func(context.Context, any) (any, error) { return "ok", nil }); err != nil {
		t.Fatalf("unlimited method: %v", err)
	}
	close(release)
	for range 2 {
		if err := <-results; err != nil {
			t.Fatal(err)
		}
	}
	entered.Add(1)
	go func() { <-release }()
	if _, err := limit(context.Background(), nil, info, slow); err != nil {
		t.Fatalf("after the others returned: %v", err)
	}
}
