package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

const (
	// probeEvery is how often the replica's replication state is read.
	probeEvery  = time.Second
	probeBudget = 500 * time.Millisecond
)

// Probe reports how far a replica is behind its primary, or why it cannot tell.
type Probe func(ctx context.Context) (time.Duration, error)

// Replica routes the reads that tolerate lag to a read replica through go-zero's read/write split
// (sqlx.WithReadReplica), and only while the replica replicates within maxLag: a stopped or
// lagging replica serves nothing, and a read that fails on it is read again on the primary. A nil
// *Replica (no replica configured) reads the primary.
type Replica struct {
	probe   Probe
	maxLag  time.Duration
	healthy atomic.Bool
	stop    context.CancelFunc
	done    sync.WaitGroup
}

// NewReplica probes once before returning, so the first reads already go to the right server,
// then every second until Close.
func NewReplica(probe Probe, maxLag time.Duration) *Replica {
	ctx, cancel := context.WithCancel(context.Background())
	r := &Replica{probe: probe, maxLag: maxLag, stop: cancel}
	r.check(ctx)
	r.done.Add(1)
	go func() {
		defer r.done.Done()
		t := time.NewTicker(probeEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				r.check(ctx)
			}
		}
	}()
	return r
}

// Close stops the probing.
func (r *Replica) Close() {
	if r != nil {
		r.stop()
		r.done.Wait()
	}
}

// Healthy tells whether lag-tolerant reads go to the replica now.
func (r *Replica) Healthy() bool { return r != nil && r.healthy.Load() }

// Read runs read on the replica while it is healthy, and on the primary otherwise or when it
// fails there (go-zero's ErrNotFound is an answer, not a failure). read must only read.
func (r *Replica) Read(ctx context.Context, read func(ctx context.Context) error) error {
	if !r.Healthy() {
		return read(ctx)
	}
	err := read(sqlx.WithReadReplica(ctx))
	if err == nil || errors.Is(err, sqlx.ErrNotFound) || ctx.Err() != nil {
		return err
	}
	if r.healthy.CompareAndSwap(true, false) {
		logx.WithContext(ctx).Errorf("read replica failed, reading the primary until it recovers: %v", err)
	}
	return read(ctx)
}

func (r *Replica) check(ctx context.Context) {
	pctx, cancel := context.WithTimeout(ctx, probeBudget)
	defer cancel()
	lag, err := r.probe(pctx)
	ok := err == nil && lag <= r.maxLag
	if was := r.healthy.Swap(ok); was != ok && ctx.Err() == nil {
		if ok {
			logx.Infof("read replica in use (lag %s)", lag)
		} else {
			logx.Errorf("read replica not used: lag %s, max %s, %v", lag, r.maxLag, err)
		}
	}
}

// ErrNotReplicating is a probe's answer for a server whose replication is stopped, broken or
// not configured.
var ErrNotReplicating = errors.New("replica is not replicating")

// ReplicationLag is the Probe of the MariaDB or MySQL replica at dsn: both replication threads
// running and Seconds_Behind_Master (Seconds_Behind_Source) known. Its user needs the REPLICA
// MONITOR (MariaDB) or REPLICATION CLIENT privilege.
func ReplicationLag(dsn string) Probe {
	var (
		once    sync.Once
		db      *sql.DB
		openErr error
	)
	return func(ctx context.Context) (time.Duration, error) {
		once.Do(func() {
			if db, openErr = sql.Open("mysql", dsn); openErr == nil {
				db.SetMaxOpenConns(1)
			}
		})
		if openErr != nil {
			return 0, fmt.Errorf("open replica: %w", openErr)
		}
		// SHOW REPLICA STATUS: both MariaDB (10.5+) and MySQL (8.0.22+) accept it; MySQL 8.4 dropped
		// SHOW SLAVE STATUS.
		rows, err := db.QueryContext(ctx, "SHOW REPLICA STATUS")
		if err != nil {
			return 0, fmt.Errorf("read replication status: %w", err)
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return 0, fmt.Errorf("read replication status: %w", err)
		}
		if !rows.Next() {
			return 0, fmt.Errorf("%w: no replication configured", errors.Join(ErrNotReplicating, rows.Err()))
		}
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return 0, fmt.Errorf("read replication status: %w", err)
		}
		status := make(map[string]sql.NullString, len(cols))
		for i, c := range cols {
			status[c] = vals[i]
		}
		return lagOf(status)
	}
}

func lagOf(status map[string]sql.NullString) (time.Duration, error) {
	pick := func(names ...string) sql.NullString {
		for _, n := range names {
			if v, ok := status[n]; ok {
				return v
			}
		}
		return sql.NullString{}
	}
	io := pick("Slave_IO_Running", "Replica_IO_Running")
	sqlThread := pick("Slave_SQL_Running", "Replica_SQL_Running")
	if io.String != "Yes" || sqlThread.String != "Yes" {
		return 0, fmt.Errorf("%w: io thread %q, sql thread %q", ErrNotReplicating, io.String, sqlThread.String)
	}
	behind := pick("Seconds_Behind_Master", "Seconds_Behind_Source")
	if !behind.Valid {
		return 0, fmt.Errorf("%w: lag unknown", ErrNotReplicating)
	}
	s, err := strconv.Atoi(behind.String)
	if err != nil {
		return 0, fmt.Errorf("replication lag %q: %w", behind.String, err)
	}
	return time.Duration(s) * time.Second, nil
}
