package session

import (
	"context"
	"errors"
	"testing"
	"time"

	"zeromall/pkg/testkit"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/stores/redis"
)

func TestStore_PublishLookupEnd(t *testing.T) {
	r := testkit.StartRedis(t)
	s := NewStore(redis.MustNewRedis(redis.RedisConf{Host: r.Addr, Type: redis.NodeType, DisableIdentity: true}), 5*time.Second, time.Minute)
	ctx := context.Background()
	if _, ok := s.Lookup(ctx, sid); ok {
		t.Fatal("found a state nobody published")
	}
	if err := s.Publish(ctx, sid, State{UserID: 7}); err != nil {
		t.Fatal(err)
	}
	st, ok := s.Lookup(ctx, sid)
	if !ok || st.Err(7) != nil {
		t.Fatalf("live state: %+v %v, err for its owner %v", st, ok, st.Err(7))
	}
	if !errors.Is(st.Err(8), xerr.ErrSessionEnded) {
		t.Fatalf("another user's token naming this session: %v", st.Err(8))
	}
	if err := s.End(ctx, sid, 7); err != nil {
		t.Fatal(err)
	}
	// A check that read MySQL before the logout and publishes after it cannot undo the end.
	if err := s.Publish(ctx, sid, State{UserID: 7}); err != nil {
		t.Fatal(err)
	}
	if st, ok := s.Lookup(ctx, sid); !ok || !errors.Is(st.Err(7), xerr.ErrSessionEnded) {
		t.Fatalf("after End: %+v %v", st, ok)
	}
	if err := s.Publish(ctx, "other", State{UserID: 7, Refusal: xerr.ErrAccountDisabled.Code}); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Lookup(ctx, "other"); !errors.Is(st.Err(7), xerr.ErrAccountDisabled) {
		t.Fatalf("disabled: %v", st.Err(7))
	}
}

func TestStore_RedisDownIsAMiss(t *testing.T) {
	r := testkit.StartRedis(t)
	s := NewReader(redis.MustNewRedis(redis.RedisConf{Host: r.Addr, Type: redis.NodeType, DisableIdentity: true}))
	r.Stop()
	start := time.Now()
	for i := 0; i < 20; i++ {
		if _, ok := s.Lookup(context.Background(), sid); ok {
			t.Fatal("a dead Redis answered")
		}
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("20 lookups against a dead Redis took %s: the bypass did not kick in", took)
	}
}
