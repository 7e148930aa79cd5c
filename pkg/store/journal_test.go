package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"zeromall/apps/order/model/migrations"
	"zeromall/pkg/store"
	"zeromall/pkg/testkit"

	"github.com/zeromicro/go-zero/core/breaker"
	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

type fixture struct {
	db    sqlx.SqlConn
	redis *testkit.Redis
	rds   *redis.Redis
	j     *store.Journal
}

func newFixture(t testing.TB, delay time.Duration) *fixture {
	t.Helper()
	db := sqlx.NewMysql(testkit.NewMigratedDSN(t, "order", migrations.Files))
	r := testkit.StartRedis(t)
	rds := redis.MustNewRedis(r.Conf())
	return &fixture{db: db, redis: r, rds: rds, j: store.NewJournal(db, rds, delay)}
}

func (f *fixture) set(t testing.TB, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if err := f.rds.Set(k, "stale"); err != nil {
			t.Fatal(err)
		}
	}
}

// exists asks Redis whether key is there. After an outage the client's breaker may still drop
// a call now and then; that is not an answer, so it asks again.
func (f *fixture) exists(t testing.TB, key string) bool {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := f.rds.Exists(key)
		if err == nil {
			return ok
		}
		if !errors.Is(err, breaker.ErrServiceUnavailable) || time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (f *fixture) records(t *testing.T) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(&n, "select count(*) from cache_invalidation"); err != nil {
		t.Fatal(err)
	}
	return n
}

// commit records keys in a committed transaction and stops there, as a writer that dies between
// its commit and its delete does.
func (f *fixture) commit(t testing.TB, keys ...string) {
	t.Helper()
	err := f.db.Transact(func(tx sqlx.Session) error {
		return f.j.RecordTx(context.Background(), tx, keys...)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDrain_DeletesWhatAWriterThatDiedAfterItsCommitLeft(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 300*time.Millisecond)
	f.set(t, "cache:a", "cache:b", "cache:other")
	f.commit(t, "cache:a", "cache:b")

	// Too young: the second delete waits for the delay, so nothing is drained yet.
	if n, err := f.j.Drain(ctx, time.Hour); err != nil || n != 0 {
		t.Fatalf("drained %d records younger than the delay (%v)", n, err)
	}
	if !f.exists(t, "cache:a") {
		t.Fatal("a key was deleted before its record was old enough")
	}
	time.Sleep(300 * time.Millisecond)
	if n, err := f.j.Drain(ctx, 300*time.Millisecond); err != nil || n != 1 {
		t.Fatalf("drained %d records, want 1 (%v)", n, err)
	}
	if f.exists(t, "cache:a") || f.exists(t, "cache:b") {
		t.Error("a recorded key survived the drain")
	}
	if !f.exists(t, "cache:other") {
		t.Error("the drain deleted a key no record named")
	}
	if n := f.records(t); n != 0 {
		t.Errorf("%d records left after the drain", n)
	}
}

func TestChange_RecordsOnlyChangesAndKeepsNothingOfARollback(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, time.Second)
	f.set(t, "cache:changed")
	changed, err := f.j.Change(ctx, "test.change", []string{"cache:changed"}, func(context.Context, sqlx.Session) (bool, error) {
		return true, nil
	})
	if err != nil || !changed {
		t.Fatalf("Change = %v, %v", changed, err)
	}
	if f.exists(t, "cache:changed") {
		t.Error("the fast path left the key")
	}
	if n := f.records(t); n != 1 {
		t.Errorf("%d records after a change, want 1 (the second delete is still due)", n)
	}
	if _, err := f.j.Change(ctx, "test.nochange", []string{"cache:x"}, func(context.Context, sqlx.Session) (bool, error) {
		return false, nil
	}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if _, err := f.j.Change(ctx, "test.fail", []string{"cache:y"}, func(context.Context, sqlx.Session) (bool, error) {
		return true, boom
	}); !errors.Is(err, boom) {
		t.Fatalf("Change = %v, want the change's error", err)
	}
	if n := f.records(t); n != 1 {
		t.Errorf("%d records, want 1: no change and a rollback record nothing", n)
	}
}

func TestDrop_WhenRedisFailsTheRecordStaysUntilADrainSucceeds(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	f.set(t, "cache:order")
	f.redis.Stop()
	if _, err := f.j.Change(ctx, "test.redis-down", []string{"cache:order"}, func(context.Context, sqlx.Session) (bool, error) {
		return true, nil
	}); err != nil {
		t.Fatalf("a commit failed because Redis is down: %v", err)
	}
	if _, err := f.j.Drain(ctx, 0); err == nil {
		t.Fatal("a drain with Redis down reports success")
	}
	if n := f.records(t); n != 1 {
		t.Fatalf("%d records after a failed drain, want 1", n)
	}
	// Redis comes back with its data (a replica promoted, an AOF replayed): the key is there.
	f.redis.Start()
	// The client's breaker may still refuse for a moment after the failures above.
	testkit.Eventually(t, 10*time.Second, "Redis takes a write again", func() bool { return f.rds.Set("cache:order", "stale") == nil })
	testkit.Eventually(t, 10*time.Second, "a drain after Redis is back", func() bool {
		n, err := f.j.Drain(ctx, 0)
		return err == nil && n == 1
	})
	if f.exists(t, "cache:order") {
		t.Error("the drain left the key")
	}
}

func TestDrain_LargeBacklogInBatches(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	for i := range 1200 {
		f.commit(t, "cache:k:"+time.Duration(i).String())
	}
	n, err := f.j.Drain(ctx, 0)
	if err != nil || n != 1200 {
		t.Fatalf("drained %d of 1200 (%v)", n, err)
	}
	if left := f.records(t); left != 0 {
		t.Errorf("%d records left", left)
	}
}

// A live instance commits and deletes a row's key; a reader that loaded the old row before the
// commit puts it back just after; a new instance starts in between. The new instance must not
// remove the record the live one wrote: its delayed second delete is what removes the reader's
// stale entry, within the delay plus a drain interval (the 5 s bound of doc/resilience.md).
func TestStartDrainer_LeavesAPeersFreshRecordItsSecondDelete(t *testing.T) {
	ctx := context.Background()
	const delay = time.Second
	f := newFixture(t, delay)
	f.set(t, "cache:row")
	if _, err := f.j.Change(ctx, "test.peer-write", []string{"cache:row"}, func(context.Context, sqlx.Session) (bool, error) {
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}
	starting := store.NewJournal(f.db, f.rds, delay).StartDrainer()
	defer starting.Stop()
	if n := f.records(t); n != 1 {
		t.Fatalf("%d records after a new instance started, want the peer's fresh one kept", n)
	}
	f.set(t, "cache:row") // the reader's old row, cached after the first delete
	started := time.Now()
	testkit.Eventually(t, 5*time.Second, "the second delete of the stale entry", func() bool { return !f.exists(t, "cache:row") })
	if waited := time.Since(started); waited < delay/2 {
		t.Errorf("the stale entry went after %s, before the record was a delay old: deleted by something else?", waited)
	}
}

// StartDrainer still deletes, at once, the keys of records a dead predecessor left, however fresh.
func TestStartDrainer_DeletesEveryRecordsKeysAtOnce(t *testing.T) {
	f := newFixture(t, time.Hour)
	f.set(t, "cache:left-by-the-dead")
	f.commit(t, "cache:left-by-the-dead")
	defer store.NewJournal(f.db, f.rds, time.Hour).StartDrainer().Stop()
	if f.exists(t, "cache:left-by-the-dead") {
		t.Fatal("a starting instance left a key its predecessor's commit made stale")
	}
	if n := f.records(t); n != 1 {
		t.Fatalf("%d records, want the fresh one kept for its second delete", n)
	}
}

// A commit held open longer than the delay (Galera flow control, a slow link) must not make its
// record old the moment it becomes visible: its age counts from then, so the second delete still
// comes a delay after the writer's first.
func TestDrain_AgesARecordFromWhenItBecameVisible(t *testing.T) {
	ctx := context.Background()
	const delay = 500 * time.Millisecond
	f := newFixture(t, delay)
	keys := []string{"cache:slow"}
	err := f.db.TransactCtx(ctx, func(ctx context.Context, tx sqlx.Session) error {
		if err := f.j.RecordTx(ctx, tx, keys...); err != nil {
			return err
		}
		time.Sleep(2 * delay) // the commit is held up
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.j.Drop(ctx, "test.slow-commit", keys...)
	if n, err := f.j.Drain(ctx, delay); err != nil || n != 0 {
		t.Fatalf("drained %d records (%v) right after they became visible, want 0", n, err)
	}
	f.set(t, "cache:slow") // a reader that loaded before the commit fills after the first delete
	time.Sleep(delay)
	if n, err := f.j.Drain(ctx, delay); err != nil || n != 1 {
		t.Fatalf("drained %d records (%v) a delay after they became visible, want 1", n, err)
	}
	if f.exists(t, "cache:slow") {
		t.Error("the reader's stale entry survived the second delete")
	}
}
