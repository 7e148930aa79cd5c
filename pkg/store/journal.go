// journal.go makes dropping stale cache entries as durable as the write that made them
// stale. A transaction that changes cached rows records their cache keys in the service's
// cache_invalidation table (RecordTx), so the duty to delete them commits or rolls back with the
// change. After the commit the writer deletes the keys at once (Drop, the fast path); a drainer in
// every instance of the service deletes them again once the record is a delay old and then
// removes the record (Drain). So a writer that dies after its commit, a Redis that fails the
// delete, and a reader that cached the old row just before the commit all leave a stale entry for
// at most that delay plus one drain interval (doc/architecture.md, "Cache freshness").

package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"zeromall/pkg/crashpoint"
	"zeromall/pkg/metric"
	"zeromall/pkg/worker"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

const (
	table = "`cache_invalidation`"
	// Interval is how often each instance drains the records that are old enough.
	Interval = 500 * time.Millisecond
	// batch bounds one drain query; a pass drains batch after batch until none is left.
	batch = 500
)

var (
	// Every series exists at 0 from the start.
	deletes = metric.CounterVec("cache_invalidation", "deletes_total",
		"deletions of the cache keys a commit made stale, by path (fast, drain) and result", "path", "result")
	fastOK, fastFailed   = deletes.WithLabelValues("fast", "ok"), deletes.WithLabelValues("fast", "error")
	drainOK, drainFailed = deletes.WithLabelValues("drain", "ok"), deletes.WithLabelValues("drain", "error")
)

// Journal is one service's cache invalidation journal: its table in the service's database and
// the Redis the service caches in.
type Journal struct {
	db  sqlx.SqlConn
	rds *redis.Redis
	// delay is the age at which a record is drained: the second delete comes this long after the
	// commit, late enough to catch a reader that read the old row before the commit (or from a
	// replica lagging up to this much) and cached it after the first delete.
	delay time.Duration
}

// NewJournal returns the journal of the service whose database is db and whose cache is rds; records
// are drained once delay old.
func NewJournal(db sqlx.SqlConn, rds *redis.Redis, delay time.Duration) *Journal {
	return &Journal{db: db, rds: rds, delay: delay}
}

// RecordTx records, inside transaction tx, that keys must be deleted once it commits. Call it in
// every transaction that changes a cached row, with every key of the row (its model's CacheKeys).
func (j *Journal) RecordTx(ctx context.Context, tx sqlx.Session, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	b, err := json.Marshal(keys)
	if err != nil {
		return fmt.Errorf("encode cache keys: %w", err)
	}
	if _, err := tx.ExecCtx(ctx, "insert into "+table+" (`cache_keys`) values (?)", string(b)); err != nil {
		return fmt.Errorf("record cache invalidation: %w", err)
	}
	return nil
}

// Change runs change in a transaction. When change reports that it changed something, the
// transaction also records keys, and after the commit they are dropped (Drop, at point). It
// returns what change reported.
func (j *Journal) Change(ctx context.Context, point string, keys []string,
	change func(ctx context.Context, tx sqlx.Session) (bool, error)) (bool, error) {
	var changed bool
	err := j.db.TransactCtx(ctx, func(ctx context.Context, tx sqlx.Session) error {
		ok, err := change(ctx, tx)
		if err != nil || !ok {
			return err
		}
		changed = true
		return j.RecordTx(ctx, tx, keys...)
	})
	if err != nil {
		return false, err
	}
	if changed {
		j.Drop(ctx, point, keys...)
	}
	return changed, nil
}

// Drop deletes keys right after the commit that recorded them: the fast path, which makes the
// change visible at once. It runs on a context detached from the request, with its own budget, so
// a client that hangs up cannot cancel it. A failure is logged and left to the drainers, which
// delete the keys again either way. point names the write for crash tests (pkg/crashpoint): a
// test binary can die exactly here, between the commit and the delete.
func (j *Journal) Drop(ctx context.Context, point string, keys ...string) {
	crashpoint.Hit(point)
	if len(keys) == 0 {
		return
	}
	ctx, cancel := AfterCommit(ctx)
	defer cancel()
	if err := j.del(ctx, keys); err != nil {
		fastFailed.Inc()
		logx.WithContext(ctx).Errorf("delete stale cache keys after %s (a drainer retries): %v", point, err)
		return
	}
	fastOK.Inc()
}

// del deletes keys one command each, pipelined: the keys of one write may live on different
// nodes of a Redis Cluster.
func (j *Journal) del(ctx context.Context, keys []string) error {
	return j.rds.PipelinedCtx(ctx, func(p redis.Pipeliner) error {
		for _, k := range keys {
			p.Del(ctx, k)
		}
		return nil
	})
}

type record struct {
	ID   int64  `db:"id"`
	Keys string `db:"cache_keys"`
}

// Drain deletes the keys of every record first seen at least minAge ago (by MySQL's clock, which
// every instance shares) and then removes those records; it returns how many it removed. Records
// whose keys could not be deleted stay for the next pass. Instances drain concurrently without
// coordination: deleting a key twice is harmless.
//
// A record's age counts from when a drainer first saw it (seen_at, stamped by each pass), not
// from its insert: a commit held up longer than the delay (Galera flow control, a slow link) would
// otherwise make its record "old" the moment it became visible, and drain it together with the
// writer's own first delete, leaving a reader that cached the old row just after that unseen.
func (j *Journal) Drain(ctx context.Context, minAge time.Duration) (int, error) {
	if err := j.stamp(ctx); err != nil {
		return 0, err
	}
	drained := 0
	for {
		var recs []record
		q := "select `id`, `cache_keys` from " + table +
			" where `seen_at` <= now(3) - interval ? microsecond order by `id` limit ?"
		if err := j.db.QueryRowsCtx(ctx, &recs, q, minAge.Microseconds(), batch); err != nil {
			return drained, fmt.Errorf("read cache invalidation records: %w", err)
		}
		if len(recs) == 0 {
			return drained, nil
		}
		if err := j.delRecords(ctx, recs); err != nil {
			drainFailed.Add(float64(len(recs)))
			return drained, err
		}
		drainOK.Add(float64(len(recs)))
		ids := make([]string, len(recs))
		for i, r := range recs {
			ids[i] = fmt.Sprint(r.ID)
		}
		if _, err := j.db.ExecCtx(ctx, "delete from "+table+" where `id` in ("+strings.Join(ids, ",")+")"); err != nil {
			return drained, fmt.Errorf("remove drained cache invalidation records: %w", err)
		}
		drained += len(recs)
		if len(recs) < batch {
			return drained, nil
		}
	}
}

// stamp marks the records no drainer has seen yet as seen now: they have just become visible.
// Two instances stamping the same records at once on Galera may lose a certification race; the
// winner's stamp serves both, so that is not an error.
func (j *Journal) stamp(ctx context.Context) error {
	_, err := j.db.ExecCtx(ctx, "update "+table+" set `seen_at` = now(3) where `seen_at` is null")
	if err != nil && !IsRetryable(err) {
		return fmt.Errorf("stamp new cache invalidation records: %w", err)
	}
	return nil
}

// dropAll deletes the keys of every record, whatever its age, and removes none of them.
func (j *Journal) dropAll(ctx context.Context) error {
	var after int64
	for {
		var recs []record
		q := "select `id`, `cache_keys` from " + table + " where `id` > ? order by `id` limit ?"
		if err := j.db.QueryRowsCtx(ctx, &recs, q, after, batch); err != nil {
			return fmt.Errorf("read cache invalidation records: %w", err)
		}
		if len(recs) == 0 {
			return nil
		}
		if err := j.delRecords(ctx, recs); err != nil {
			return err
		}
		if len(recs) < batch {
			return nil
		}
		after = recs[len(recs)-1].ID
	}
}

// delRecords deletes the keys of recs; an unreadable record names no keys (and is logged).
func (j *Journal) delRecords(ctx context.Context, recs []record) error {
	var keys []string
	for _, r := range recs {
		var ks []string
		if err := json.Unmarshal([]byte(r.Keys), &ks); err != nil {
			logx.WithContext(ctx).Errorf("cache invalidation record %d is unreadable, removed: %v", r.ID, err)
		}
		keys = append(keys, ks...)
	}
	if err := j.del(ctx, keys); err != nil {
		return fmt.Errorf("delete %d stale cache keys: %w", len(keys), err)
	}
	return nil
}

// startBudget bounds the drain a starting instance does before it serves.
const startBudget = 5 * time.Second

// StartDrainer deletes the keys of every record once, whatever its age, so a restarted instance
// serves no entry its predecessor left stale, but removes only the records old enough: one that
// a live peer committed a moment ago still owes its delayed second delete, which this instance's
// drain or the peer's makes. Then it drains the records that are old enough every Interval until
// the returned loop is stopped. The first pass failing (Redis or MySQL away) does not stop the
// start: reads fall back to MySQL while Redis fails, and the loop goes on trying.
func (j *Journal) StartDrainer() *worker.Loop {
	ctx, cancel := context.WithTimeout(context.Background(), startBudget)
	if err := j.dropAll(ctx); err != nil {
		logx.Errorf("cache invalidation: first pass: %v", err)
	}
	cancel()
	return worker.Start(Interval, nil, func(round context.Context, _ <-chan struct{}) {
		ctx, cancel := context.WithTimeout(round, 5*Interval)
		defer cancel()
		if _, err := j.Drain(ctx, j.delay); err != nil {
			logx.WithContext(ctx).Errorf("cache invalidation: %v", err)
		}
	})
}

// AfterCommitTimeout bounds the work that follows a commit (AfterCommit).
const AfterCommitTimeout = 2 * time.Second

// AfterCommit returns the context for the work a commit obliges: dropping its stale cache keys
// (Drop), a session's tombstone, the own-writes marker. It keeps ctx's values (trace, logger
// fields) but not its cancellation or deadline, because a client that hangs up after the commit
// must not leave stale entries behind; it is bounded by AfterCommitTimeout instead.
func AfterCommit(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), AfterCommitTimeout)
}
