package overload

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func fixedConfig(limit int) Config {
	c := DefaultConfig()
	c.InitialLimit, c.MinLimit, c.MaxLimit = limit, limit, limit
	return c
}

func TestLane_AdmitsUpToItsLimitThenRejects(t *testing.T) {
	c := fixedConfig(2)
	c.MaxWait = 0 // no waiting room: reject at once
	l := NewLane(t.Name(), c)
	s1, ok1 := l.Acquire(context.Background())
	_, ok2 := l.Acquire(context.Background())
	if !ok1 || !ok2 {
		t.Fatal("the first two requests were not admitted")
	}
	if _, ok := l.Acquire(context.Background()); ok {
		t.Fatal("a third request was admitted over a limit of 2")
	}
	if got := l.stat.recent[ReasonQueueFull].Load(); got != 1 {
		t.Fatalf("queue_full rejections %d, want 1", got)
	}
	l.Release(s1)
	if _, ok := l.Acquire(context.Background()); !ok {
		t.Fatal("a released slot was not reused")
	}
}

func TestLane_WaitersGetFreedSlotsOrTimeOut(t *testing.T) {
	c := fixedConfig(1)
	c.MaxWait = 200 * time.Millisecond
	l := NewLane(t.Name(), c)
	start, _ := l.Acquire(context.Background())

	got := make(chan bool, 1)
	go func() {
		s, ok := l.Acquire(context.Background())
		if ok {
			l.Release(s)
		}
		got <- ok
	}()
	waitFor(t, func() bool { return l.Snapshot().Waiting == 1 })
	l.Release(start)
	if !<-got {
		t.Fatal("a waiter was not given the freed slot")
	}

	c.MaxWait = 20 * time.Millisecond
	l = NewLane(t.Name()+"/timeout", c)
	_, _ = l.Acquire(context.Background())
	t0 := time.Now()
	if _, ok := l.Acquire(context.Background()); ok {
		t.Fatal("admitted over the limit")
	}
	if waited := time.Since(t0); waited < c.MaxWait {
		t.Fatalf("rejected after %v, before MaxWait", waited)
	}
	if got := l.stat.recent[ReasonWaited].Load(); got != 1 {
		t.Fatalf("waited rejections %d, want 1", got)
	}
	if s := l.Snapshot(); s.Waiting != 0 {
		t.Fatalf("a timed-out waiter is still queued: %+v", s)
	}
}

// Waiters are served in arrival order; once they have waited half their wait, a freed slot
// answers them (503, counted as waited) and goes to the first fresh one.
func TestLane_WaitersAreServedInArrivalOrderUntilStale(t *testing.T) {
	for _, tc := range []struct {
		name string
		age  time.Duration // how long the waiters wait before a slot frees
		want []int
	}{
		{"fresh", 0, []int{0, 1, 2}},
		{"within half the wait", 150 * time.Millisecond, []int{0, 1, 2}},
		{"stale", 300 * time.Millisecond, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := fixedConfig(1)
			c.MinWait, c.MaxWait = 500*time.Millisecond, 500*time.Millisecond // stale from 250 ms
			l := NewLane(t.Name(), c)
			held, _ := l.Acquire(context.Background())
			var (
				mu       sync.Mutex
				order    []int
				rejected int
				wg       sync.WaitGroup
			)
			for i := range 3 {
				wg.Go(func() {
					s, ok := l.Acquire(context.Background())
					mu.Lock()
					defer mu.Unlock()
					if !ok {
						rejected++
						return
					}
					order = append(order, i)
					l.Release(s)
				})
				waitFor(t, func() bool { return l.Snapshot().Waiting == i+1 })
			}
			time.Sleep(tc.age)
			t0 := time.Now()
			l.Release(held)
			wg.Wait()
			if !slices.Equal(order, tc.want) || rejected != 3-len(tc.want) {
				t.Fatalf("served %v and rejected %d, want %v served", order, rejected, tc.want)
			}
			if took := time.Since(t0); tc.want == nil && took > 100*time.Millisecond {
				t.Fatalf("stale waiters were answered %v after the slot freed, not at once", took)
			}
			if got := l.stat.recent[ReasonWaited].Load(); got != int64(rejected) {
				t.Fatalf("waited rejections %d, want %d", got, rejected)
			}
		})
	}
}

func TestLane_FullWaitingRoomEvictsTheOldest(t *testing.T) {
	c := fixedConfig(1)
	c.MaxWait, c.MaxQueue = 5*time.Second, 1
	l := NewLane(t.Name(), c)
	_, _ = l.Acquire(context.Background())
	first := make(chan bool, 1)
	go func() { _, ok := l.Acquire(context.Background()); first <- ok }()
	waitFor(t, func() bool { return l.Snapshot().Waiting == 1 })
	ctx, cancel := context.WithCancel(context.Background())
	second := make(chan bool, 1)
	go func() { _, ok := l.Acquire(ctx); second <- ok }()
	select {
	case ok := <-first:
		if ok {
			t.Fatal("the evicted waiter was admitted")
		}
	case <-time.After(time.Second):
		t.Fatal("the oldest waiter was not evicted when the room was full")
	}
	if got := l.stat.recent[ReasonQueueFull].Load(); got != 1 {
		t.Fatalf("queue_full rejections %d, want 1", got)
	}
	cancel() // a caller that leaves stops waiting at once
	if ok := <-second; ok {
		t.Fatal("a cancelled waiter was admitted")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached within 2s")
}

// A lane whose answers take long lets requests wait longer: WaitServiceTimes of its service
// time, within [MinWait, MaxWait].
func TestLane_WaitFollowsTheServiceTime(t *testing.T) {
	c := fixedConfig(1)
	c.MinWait, c.WaitServiceTimes, c.MaxWait = 10*time.Millisecond, 4, 500*time.Millisecond
	l := NewLane(t.Name(), c)
	if w := l.waitNow(); w != c.MinWait {
		t.Fatalf("wait %v before any answer, want MinWait %v", w, c.MinWait)
	}
	for range 200 { // answers of 50 ms each
		s, _ := l.Acquire(context.Background())
		l.Release(s.Add(-50 * time.Millisecond))
	}
	if w := l.waitNow(); w < 190*time.Millisecond || w > 210*time.Millisecond {
		t.Fatalf("wait %v after 50 ms answers, want about 4 × 50 ms", w)
	}
	// A waiter now outlasts MinWait many times over and is served.
	held, _ := l.Acquire(context.Background())
	got := make(chan bool, 1)
	go func() {
		s, ok := l.Acquire(context.Background())
		if ok {
			l.Release(s.Add(-50 * time.Millisecond))
		}
		got <- ok
	}()
	waitFor(t, func() bool { return l.Snapshot().Waiting == 1 })
	time.Sleep(10 * c.MinWait)
	l.Release(held.Add(-50 * time.Millisecond))
	if !<-got {
		t.Fatal("a waiter on a slow lane was rejected before its wait was up")
	}

	for range 200 { // answers of a second
		s, _ := l.Acquire(context.Background())
		l.Release(s.Add(-time.Second))
	}
	if w := l.waitNow(); w != c.MaxWait {
		t.Fatalf("wait %v after 1 s answers, want MaxWait %v", w, c.MaxWait)
	}
}

// The issue-47 failure: closed-loop clients, more than the limit, on a lane whose answers take
// about as long as the old fixed wait. Every request must be served: the queue drains at the
// lane's pace and is not an overload.
func TestLane_ClosedLoopQueueOnASlowLaneIsServed(t *testing.T) {
	c := fixedConfig(4)
	l := NewLane(t.Name(), c)
	// 8 clients over a limit of 4 wait about one service time each: more than the first wait
	// (MinWait, 50 ms, before the lane has measured anything) allows once halved.
	const clients, each, service = 8, 12, 40 * time.Millisecond
	var rejected atomic.Int64
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				s, ok := l.Acquire(context.Background())
				if !ok {
					rejected.Add(1)
					continue
				}
				time.Sleep(service)
				l.Release(s)
			}
		}()
	}
	wg.Wait()
	if n := rejected.Load(); n != 0 {
		t.Fatalf("%d of %d requests of a closed-loop queue were rejected", n, clients*each)
	}
}

func (l *Lane) waitNow() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.wait()
}

// A waiting room that overflows (open-loop overload) closes for a while: requests over the limit
// are then rejected at once instead of after a wait.
func TestLane_OverflowingWaitingRoomCloses(t *testing.T) {
	c := fixedConfig(1)
	c.MaxWait, c.MaxQueue = time.Second, 2
	l := NewLane(t.Name(), c)
	_, _ = l.Acquire(context.Background())
	var wg sync.WaitGroup
	for range minSamples + c.MaxQueue {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = l.Acquire(context.Background()) }()
	}
	waitFor(t, func() bool { return !l.roomOpenNow() })
	t0 := time.Now()
	if _, ok := l.Acquire(context.Background()); ok {
		t.Fatal("admitted over the limit")
	}
	if waited := time.Since(t0); waited >= 100*time.Millisecond {
		t.Fatalf("rejected after %v: the overflowing waiting room is still open", waited)
	}
	wg.Wait()
	time.Sleep(roomClosed)
	if !l.roomOpenNow() {
		t.Fatal("the waiting room did not reopen")
	}
}

func (l *Lane) roomOpenNow() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.roomOpen(time.Now())
}

// A Config built as a literal gets the defaults, not a limit of one.
func TestLane_ZeroConfigGetsTheDefaults(t *testing.T) {
	l := NewLane(t.Name(), Config{})
	for i := range DefaultConfig().InitialLimit {
		if _, ok := l.Acquire(context.Background()); !ok {
			t.Fatalf("request %d rejected by a zero Config", i+1)
		}
	}
	if got := l.cfg.MaxWait; got != DefaultConfig().MaxWait {
		t.Fatalf("MaxWait %v, want the default %v", got, DefaultConfig().MaxWait)
	}
}
