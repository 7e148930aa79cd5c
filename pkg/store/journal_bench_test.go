package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// What the journal adds to one write: a transaction that updates a row and deletes its three
// cache keys after the commit, without the journal (a plain DEL) and with it (the record in the
// transaction, the pipelined DEL), and then the drain's share of each record. Real MySQL and
// Redis on this machine: make bench-micro prints the figures.
func BenchmarkWrite(b *testing.B) {
	logx.Disable() // statement logs would be most of the time measured
	ctx := context.Background()
	f := newFixture(b, time.Second)
	if _, err := f.db.ExecCtx(ctx, "create table bench_row (id int primary key, n int not null)"); err != nil {
		b.Fatal(err)
	}
	if _, err := f.db.ExecCtx(ctx, "insert into bench_row values (1, 0)"); err != nil {
		b.Fatal(err)
	}
	keys := []string{"cache:bench:id:1", "cache:bench:sn:1", "cache:bench:gen"}
	update := func(ctx context.Context, tx sqlx.Session) error {
		_, err := tx.ExecCtx(ctx, "update bench_row set n = n + 1 where id = 1")
		return err
	}
	b.Run("without-journal", func(b *testing.B) {
		for b.Loop() {
			if err := f.db.TransactCtx(ctx, update); err != nil {
				b.Fatal(err)
			}
			if _, err := f.rds.DelCtx(ctx, keys...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("with-journal", func(b *testing.B) {
		for b.Loop() {
			_, err := f.j.Change(ctx, "bench", keys, func(ctx context.Context, tx sqlx.Session) (bool, error) {
				return true, update(ctx, tx)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDrain is the drain's work per record (ns/op is per record): read it, delete its three
// keys, remove it, in passes of up to 500.
func BenchmarkDrain(b *testing.B) {
	logx.Disable()
	ctx := context.Background()
	f := newFixture(b, time.Second)
	// Records as RecordTx writes them, 500 to a statement so the setup stays short.
	record := `('["cache:bench:id:1","cache:bench:sn:1","cache:bench:gen"]')`
	for left := b.N; left > 0; left -= 500 {
		values := strings.Repeat(record+",", min(left, 500)-1) + record
		if _, err := f.db.ExecCtx(ctx, "insert into cache_invalidation (cache_keys) values "+values); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	drained, err := f.j.Drain(ctx, 0)
	if err != nil || drained != b.N {
		b.Fatalf("drained %d of %d: %v", drained, b.N, err)
	}
}
