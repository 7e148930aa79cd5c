package orders

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zeromall/apps/order/model/migrations"
	"zeromall/pkg/testkit"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Pricing an order: validating and sorting its lines and fingerprinting it for idempotency.
func BenchmarkCheckItemsAndHash(b *testing.B) {
	items := make([]Line, 5)
	for i := range items {
		items[i] = Line{ProductID: int64(10 - i), Quantity: int64(i + 1)}
	}
	for b.Loop() {
		lines, err := CheckLines(items)
		if err != nil {
			b.Fatal(err)
		}
		_ = RequestHash(lines)
	}
}

// Cache keys as the generated models build them (fmt.Sprintf("%s%v", prefix, id)).
func BenchmarkCacheKey(b *testing.B) {
	for b.Loop() {
		_ = fmt.Sprintf("%s%v", "cache:order:orders:id:", int64(123456789))
	}
}

// What a write costs on each database server named in WRITECOST_SERVERS (name=DSN pairs separated
// by ";"): make ha-writecost compares make run's single MariaDB with make run-ha's Galera writer
// (through HAProxy) in one run. Each order is Create's whole transaction (stock, order, lines,
// idempotency key, ledger, journal) for a buyer of its own, from 8 goroutines; it reports orders/s
// and the p99 of one Create.
func BenchmarkCreate_OnEachServer(b *testing.B) {
	servers := os.Getenv("WRITECOST_SERVERS")
	if servers == "" {
		b.Fatal("WRITECOST_SERVERS is not set (make ha-writecost sets it)")
	}
	logx.SetLevel(logx.ErrorLevel) // a log line per statement would be most of what is measured
	for pair := range strings.SplitSeq(servers, ";") {
		name, server, _ := strings.Cut(pair, "=")
		b.Run(name, func(b *testing.B) {
			b.Setenv(testkit.MySQLServerEnv, server)
			benchmarkCreate(b)
		})
	}
}

func benchmarkCreate(b *testing.B) {
	dsn := testkit.NewMigratedDSN(b, "order", migrations.Files)
	db, r := sqlx.NewMysql(dsn), testkit.StartRedis(b)
	if _, err := db.Exec("update products set stock = 100000000, initial_stock = 100000000 where id = 1"); err != nil {
		b.Fatal(err)
	}
	s := New(db, tablesOn(db, r.CacheConf()), time.Hour, r.Journal(db), eventsOn(db))
	var (
		buyer     atomic.Int64
		mu        sync.Mutex
		latencies []time.Duration
	)
	b.SetParallelism(4) // 8 goroutines on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			start := time.Now()
			if _, err := s.Create(context.Background(), buyer.Add(1), []Line{{ProductID: 1, Quantity: 1}}, ""); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(start))
		}
		mu.Lock()
		latencies = append(latencies, mine...)
		mu.Unlock()
	})
	elapsed := b.Elapsed()
	slices.Sort(latencies)
	if len(latencies) > 0 {
		b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "orders/s")
		b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99_ms")
	}
}
