package events

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zeromall/apps/order/model/migrations"
	"zeromall/pkg/store"
	"zeromall/pkg/testkit"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/zeromicro/go-zero/core/breaker"
	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// These tests run the outbox, the relay and the consumers on real MySQL and a real JetStream
// (deploy/devnats). Any service's migrations build the outbox and inbox; order's are used.

type fixture struct {
	db     sqlx.SqlConn
	nats   *testkit.NATS
	bus    *Bus
	outbox *Outbox
	inbox  *Inbox
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	logx.SetLevel(logx.ErrorLevel) // a line per statement would bury what failed
	db := store.NewConn(testkit.NewMigratedDSN(t, "order", migrations.Files))
	n := testkit.StartNATS(t)
	bus, err := Connect(Config{URL: n.URL}, "events-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bus.Close)
	return &fixture{db: db, nats: n, bus: bus, outbox: NewOutbox(db), inbox: NewInbox(db)}
}

// queue commits an order.created event about aggregate and returns it.
func (f *fixture) queue(t *testing.T, aggregate string) *Event {
	t.Helper()
	ev := New(context.Background(), "test", SubjectOrderCreated, aggregate, VersionCreated)
	ev.Body = &Event_OrderCreated{OrderCreated: &OrderCreated{OrderSn: aggregate}}
	err := f.db.TransactCtx(context.Background(), func(ctx context.Context, tx sqlx.Session) error {
		return f.outbox.AddTx(ctx, tx, ev)
	})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func (f *fixture) relay() *Relay {
	return NewRelay(f.outbox, f.bus, Orders, RelayConfig{
		Interval: time.Hour, Batch: 7, Lease: 15 * time.Second, MinBackoff: 20 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, StatsInterval: time.Hour,
	})
}

// stored reads every event on ORDERS, in stream order.
func (f *fixture) stored(t *testing.T) []*Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := f.bus.js.Stream(ctx, Orders.Name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []*Event
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := Decode(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

func (f *fixture) pending(t *testing.T) int64 {
	t.Helper()
	st, err := f.outbox.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Pending
}

// Three relays publish one outbox at once: every event reaches the stream exactly once, and each
// aggregate's events in the order they committed.
func TestRelay_ManyRelaysPublishEveryEventOnceAndEachAggregateInOrder(t *testing.T) {
	f := newFixture(t)
	want := map[string][]string{} // aggregate -> event ids in commit order
	for i := range 60 {
		agg := "A" + strconv.Itoa(i%6)
		want[agg] = append(want[agg], f.queue(t, agg).Id)
	}
	var wg sync.WaitGroup
	for range 3 {
		r := f.relay()
		wg.Go(func() {
			for deadline := time.Now().Add(30 * time.Second); f.pending(t) > 0 && time.Now().Before(deadline); {
				r.PublishDue(context.Background())
			}
		})
	}
	wg.Wait()
	got := map[string][]string{}
	seen := map[string]bool{}
	for _, ev := range f.stored(t) {
		if seen[ev.Id] {
			t.Errorf("event %s stored twice", ev.Id)
		}
		seen[ev.Id] = true
		got[ev.Aggregate] = append(got[ev.Aggregate], ev.Id)
	}
	for agg, ids := range want {
		if fmt.Sprint(got[agg]) != fmt.Sprint(ids) {
			t.Errorf("aggregate %s: stored %v, committed %v", agg, got[agg], ids)
		}
	}
}

// With the broker down nothing is lost: the relay records the failure and publishes once the
// broker is back; a row published again (its acknowledgement lost) is dropped by the stream.
func TestRelay_ABrokerThatIsDownDelaysEventsAndLosesNone(t *testing.T) {
	f := newFixture(t)
	r := f.relay()
	f.queue(t, "A") // declares the stream on the first round
	r.PublishDue(context.Background())
	f.nats.Stop()
	ev := f.queue(t, "B")
	r.PublishDue(context.Background())
	var row struct {
		Attempts int64  `db:"attempts"`
		LastErr  string `db:"last_error"`
	}
	if err := f.db.QueryRowCtx(context.Background(), &row, "select `attempts`, `last_error` from `outbox` where `event_id` = ?", ev.Id); err != nil {
		t.Fatal(err)
	}
	if row.Attempts != 1 || row.LastErr == "" || f.pending(t) != 1 {
		t.Fatalf("with the broker down: attempts=%d last_error=%q pending=%d, want 1, an error, 1", row.Attempts, row.LastErr, f.pending(t))
	}
	f.nats.Start()
	testkit.Eventually(t, 30*time.Second, "the event is published after the broker is back", func() bool {
		r.PublishDue(context.Background())
		return f.pending(t) == 0
	})
	payload, _ := Encode(ev)
	dup, err := f.bus.Publish(context.Background(), ev.Type, ev.Id, payload)
	if err != nil || !dup {
		t.Fatalf("publishing %s again: duplicate=%v err=%v, want the stream to drop it", ev.Id, dup, err)
	}
	if n := len(f.stored(t)); n != 2 {
		t.Fatalf("stream holds %d events, want 2", n)
	}
}

// A consumer applies each event once: the inbox record commits with the effect.
func TestInbox_AnEventIsAppliedOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	applied := 0
	for range 3 {
		err := f.db.TransactCtx(ctx, func(ctx context.Context, tx sqlx.Session) error {
			first, err := f.inbox.FirstTx(ctx, tx, "c", "order-1")
			if first {
				applied++
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A rolled-back transaction leaves no record.
	_ = f.db.TransactCtx(ctx, func(ctx context.Context, tx sqlx.Session) error {
		if _, err := f.inbox.FirstTx(ctx, tx, "c", "order-2"); err != nil {
			return err
		}
		return errors.New("rollback")
	})
	seen, err := f.inbox.Seen(ctx, "c", "order-2")
	if applied != 1 || err != nil || seen {
		t.Fatalf("applied %d times, rolled-back record seen=%v (%v); want 1 and false", applied, seen, err)
	}
}

// consume publishes events on ORDERS through the outbox and runs a consumer with handler h.
func (f *fixture) consume(t *testing.T, name string, c ConsumerConfig, h Handler) *Consumer {
	t.Helper()
	cs := f.bus.Consume(name, Orders, Orders.Subjects, c, h)
	t.Cleanup(cs.Stop)
	return cs
}

func (f *fixture) publishAll(t *testing.T) {
	t.Helper()
	r := f.relay()
	testkit.Eventually(t, 30*time.Second, "the outbox is published", func() bool {
		r.PublishDue(context.Background())
		return f.pending(t) == 0
	})
}

// deadLetters reads the dead letters of consumer.
func (f *fixture) deadLetters(t *testing.T, consumer string) []jetstream.RawStreamMsg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := f.bus.js.Stream(ctx, DeadLetters.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil // no consumer has declared it yet
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []jetstream.RawStreamMsg
	for seq := uint64(1); ; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if m.Subject == DeadLetterSubject(consumer) {
			out = append(out, *m)
		}
	}
}

// An event that keeps failing is delivered again after a growing backoff, MaxDeliver times in
// all, then kept as a dead letter that says why; a permanent failure is a dead letter at once.
// Events behind them are applied meanwhile.
func TestConsumer_RetriesWithBackoffThenDeadLetters(t *testing.T) {
	f := newFixture(t)
	flaky, poison, fine := f.queue(t, "A"), f.queue(t, "B"), f.queue(t, "C")
	f.publishAll(t)
	var mu sync.Mutex
	deliveries := map[string][]time.Time{}
	var applied atomic.Int32
	f.consume(t, "test-retries", ConsumerConfig{MaxDeliver: 4, MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, AckWait: 5 * time.Second},
		func(_ context.Context, ev *Event) error {
			mu.Lock()
			deliveries[ev.Id] = append(deliveries[ev.Id], time.Now())
			mu.Unlock()
			switch ev.Id {
			case flaky.Id:
				return errors.New("the database is away")
			case poison.Id:
				return Permanent(errors.New("no such order"))
			}
			applied.Add(1)
			return nil
		})
	testkit.Eventually(t, 30*time.Second, "two dead letters", func() bool { return len(f.deadLetters(t, "test-retries")) == 2 })
	mu.Lock()
	defer mu.Unlock()
	if n := len(deliveries[flaky.Id]); n != 4 {
		t.Errorf("the failing event was delivered %d times, want MaxDeliver=4", n)
	}
	if times := deliveries[flaky.Id]; len(times) == 4 {
		first, last := times[1].Sub(times[0]), times[3].Sub(times[2])
		if first < 80*time.Millisecond || last < 2*first {
			t.Errorf("backoff between deliveries: first %s, last %s; want ≥100ms and growing", first, last)
		}
	}
	if n := len(deliveries[poison.Id]); n != 1 {
		t.Errorf("the permanent failure was delivered %d times, want 1", n)
	}
	if len(deliveries[fine.Id]) != 1 || applied.Load() != 1 {
		t.Errorf("the good event was delivered %d times, applied %d; want 1, 1", len(deliveries[fine.Id]), applied.Load())
	}
	for _, dl := range f.deadLetters(t, "test-retries") {
		ev, err := Decode(dl.Data)
		if err != nil {
			t.Fatal(err)
		}
		if dl.Header.Get(HeaderSubject) != SubjectOrderCreated || dl.Header.Get(HeaderError) == "" || dl.Header.Get(HeaderConsumer) != "test-retries" {
			t.Errorf("dead letter %s has headers %v", ev.Id, dl.Header)
		}
		if ev.Id == flaky.Id && dl.Header.Get(HeaderDeliveries) != "4" {
			t.Errorf("dead letter of the failing event says %s deliveries, want 4", dl.Header.Get(HeaderDeliveries))
		}
	}
}

// A consumer started before the broker is up, and one whose broker restarts, both get every
// event.
func TestConsumer_SurvivesABrokerThatStartsLateOrRestarts(t *testing.T) {
	f := newFixture(t)
	f.nats.Stop()
	var got sync.Map
	var count atomic.Int32
	f.consume(t, "test-restarts", ConsumerConfig{MaxDeliver: 10, MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second, AckWait: 5 * time.Second},
		func(_ context.Context, ev *Event) error {
			if _, dup := got.LoadOrStore(ev.Id, true); !dup {
				count.Add(1)
			}
			return nil
		})
	f.queue(t, "A")
	f.nats.Start()
	f.publishAll(t)
	testkit.Eventually(t, 30*time.Second, "the first event is consumed", func() bool { return count.Load() == 1 })
	f.nats.Kill()
	f.nats.Start()
	f.queue(t, "B")
	f.publishAll(t)
	testkit.Eventually(t, 30*time.Second, "the event after the restart is consumed", func() bool { return count.Load() == 2 })
}

// An outage of the consumer's database is waited out however long it lasts: it makes no dead
// letter, and the event is applied once the database is back.
func TestConsumer_AnOutageIsRetriedPastMaxDeliver(t *testing.T) {
	f := newFixture(t)
	f.queue(t, "A")
	f.publishAll(t)
	var deliveries, applied atomic.Int32
	f.consume(t, "test-outage", ConsumerConfig{MaxDeliver: 2, MinBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, AckWait: 5 * time.Second},
		func(context.Context, *Event) error {
			if deliveries.Add(1) <= 6 {
				return fmt.Errorf("find order: %w", breaker.ErrServiceUnavailable)
			}
			applied.Add(1)
			return nil
		})
	testkit.Eventually(t, 20*time.Second, "the event is applied after the outage", func() bool { return applied.Load() == 1 })
	if n := len(f.deadLetters(t, "test-outage")); n != 0 {
		t.Fatalf("%d dead letters after an outage of 6 deliveries with MaxDeliver 2, want none", n)
	}
}

// An event that came before the one it follows waits for it however many deliveries that takes:
// it makes no dead letter (it would drop a refund), and is applied once its predecessor is.
func TestConsumer_AnEventBeforeItsPredecessorIsRetriedPastMaxDeliver(t *testing.T) {
	f := newFixture(t)
	f.queue(t, "A")
	f.publishAll(t)
	var deliveries, applied atomic.Int32
	f.consume(t, "test-not-yet", ConsumerConfig{MaxDeliver: 2, MinBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, AckWait: 5 * time.Second},
		func(context.Context, *Event) error {
			if deliveries.Add(1) <= 6 {
				return fmt.Errorf("refund: %w", NotYet(errors.New("the order is still pending")))
			}
			applied.Add(1)
			return nil
		})
	testkit.Eventually(t, 20*time.Second, "the event is applied once its predecessor is", func() bool { return applied.Load() == 1 })
	if n := len(f.deadLetters(t, "test-not-yet")); n != 0 {
		t.Fatalf("%d dead letters after 6 early deliveries with MaxDeliver 2, want none", n)
	}
}

// Published rows and inbox records older than the cutoff are purged; pending rows never are.
func TestPurge_PublishedRowsAndOldInboxRecordsOnly(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, agg := range []string{"o1", "o2", "o3"} {
		f.queue(t, agg)
	}
	f.publishAll(t)
	f.queue(t, "o4") // pending, and old
	if _, err := f.db.ExecCtx(ctx, "UPDATE outbox SET delivered_at = UTC_TIMESTAMP() - INTERVAL 8 DAY, created_at = UTC_TIMESTAMP() - INTERVAL 8 DAY WHERE aggregate IN ('o1', 'o2', 'o4')"); err != nil {
		t.Fatal(err)
	}
	n, err := f.outbox.PurgeDeliveredBefore(ctx, time.Now().Add(-7*24*time.Hour), 100)
	if err != nil || n != 2 {
		t.Fatalf("purged %d outbox rows (%v), want the 2 published 8 days ago", n, err)
	}
	if f.pending(t) != 1 {
		t.Fatalf("the pending row was purged")
	}
	for _, id := range []string{"old", "new"} {
		if err := f.db.TransactCtx(ctx, func(ctx context.Context, tx sqlx.Session) error {
			_, err := f.inbox.FirstTx(ctx, tx, "c", id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.ExecCtx(ctx, "UPDATE inbox SET created_at = UTC_TIMESTAMP() - INTERVAL 9 DAY WHERE event_id = 'old'"); err != nil {
		t.Fatal(err)
	}
	if n, err := f.inbox.PurgeBefore(ctx, time.Now().Add(-8*24*time.Hour), 100); err != nil || n != 1 {
		t.Fatalf("purged %d inbox records (%v), want 1", n, err)
	}
	if seen, _ := f.inbox.Seen(ctx, "c", "new"); !seen {
		t.Fatal("the recent inbox record was purged")
	}
}

// A relay that dies after leasing rows leaves them to another once its lease ends; a copy it had
// published before dying is dropped by the stream, so the event is stored once.
func TestRelay_ADeadRelaysRowsAreTakenOverAfterItsLease(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ev := f.queue(t, "A")
	if err := f.bus.Declare(ctx, Orders); err != nil {
		t.Fatal(err)
	}
	rows, err := f.outbox.ClaimDue(ctx, "dead-relay", 500*time.Millisecond, 10)
	if err != nil || len(rows) != 1 {
		t.Fatalf("claimed %d rows (%v)", len(rows), err)
	}
	// It published, then died before recording the outcome.
	if _, err := f.bus.Publish(ctx, rows[0].Topic, rows[0].EventID, []byte(rows[0].Payload)); err != nil {
		t.Fatal(err)
	}
	r := f.relay()
	if n := r.PublishDue(ctx); n != 0 {
		t.Fatalf("another relay took %d rows while the lease held", n)
	}
	time.Sleep(600 * time.Millisecond)
	if n := r.PublishDue(ctx); n != 1 || f.pending(t) != 0 {
		t.Fatalf("after the lease: took %d rows, %d pending; want 1, 0", n, f.pending(t))
	}
	if stored := f.stored(t); len(stored) != 1 || stored[0].Id != ev.Id {
		t.Fatalf("stream holds %d events, want %s once", len(stored), ev.Id)
	}
}
