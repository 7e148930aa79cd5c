package orders

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"zeromall/apps/order/model/migrations"
	"zeromall/pkg/store"
	"zeromall/pkg/testkit"

	"github.com/go-sql-driver/mysql"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// The replica here is a second database that does not replicate at all: a replica infinitely
// behind, which tells every read that reached it apart from a read of the primary. Only the lag
// probe is faked (the HA run, make ha-faults, probes a real GTID replica).
func TestStaleReads_WhatTheReplicaServesAndWhatStaysOnThePrimary(t *testing.T) {
	ctx := context.Background()
	primary := testkit.NewMigratedDSN(t, "order", migrations.Files)
	frozen := testkit.NewMigratedDSN(t, "order", migrations.Files)
	db := sqlx.MustNewConn(sqlx.SqlConf{DataSource: primary, DriverName: "mysql", Replicas: []string{frozen}})
	var lag atomic.Int64
	replica := store.NewReplica(func(context.Context) (time.Duration, error) { return time.Duration(lag.Load()), nil }, 2*time.Second)
	t.Cleanup(replica.Close)
	r := testkit.StartRedis(t)
	s := New(db, tablesOn(db, r.CacheConf()), time.Hour, r.Journal(db), eventsOn(db))
	const ownWrites = 2 * time.Second
	s.UseReplica(replica, ownWrites)
	if !replica.Healthy() {
		t.Fatal("a replica 0 s behind is not used")
	}

	mug := mustProduct(t, s, "Replica mug", 1500, 5)
	t.Run("CataloguePagesMayLagButAProductPageDoesNot", func(t *testing.T) {
		page, _, err := s.Products(ctx, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(page, func(p *Product) bool { return p.ID == mug.ID }) {
			t.Fatal("the catalogue page was read from the primary: it lists the product created a moment ago")
		}
		if got, err := s.Product(ctx, mug.ID); err != nil || got.Title != "Replica mug" {
			t.Fatalf("the product page, read from the primary, = %v, %v", got, err)
		}
	})

	const buyer, other = 501, 502
	order, err := s.Create(ctx, buyer, []Line{{ProductID: mug.ID, Quantity: 1}}, "")
	if err != nil {
		t.Fatal(err)
	}
	// an order of another user written behind the service's back: nothing marks it as that
	// user's own write, so only the lag decides where their list is read
	if _, err := db.ExecCtx(ctx, "insert into orders (sn, user_id, status, total_amount) values (?, ?, 'pending', 100)",
		"S"+order.Sn[1:], other); err != nil {
		t.Fatal(err)
	}
	listed := func(t *testing.T, owner int64) int {
		t.Helper()
		list, total, err := s.List(ctx, owner, 0, 1, 20)
		if err != nil {
			t.Fatalf("list orders of %d: %v", owner, err)
		}
		if int64(len(list)) != total {
			t.Fatalf("%d orders listed, total %d: the count and the page came from different servers", len(list), total)
		}
		return len(list)
	}
	t.Run("ABuyerSeesTheirNewOrderAtOnce", func(t *testing.T) {
		if n := listed(t, buyer); n != 1 {
			t.Fatalf("right after ordering, the buyer's list has %d orders, want 1", n)
		}
	})
	t.Run("OtherUsersListsMayLagWhileTheReplicaIsWithinItsLag", func(t *testing.T) {
		if n := listed(t, other); n != 0 {
			t.Fatalf("a list with no write of its owner was read from the primary (%d orders)", n)
		}
	})
	t.Run("AfterTheWindowTheBuyersListIsOnTheReplicaAgain", func(t *testing.T) {
		time.Sleep(ownWrites + 100*time.Millisecond)
		if n := listed(t, buyer); n != 0 {
			t.Fatalf("%s after the write the buyer's list still reads the primary", ownWrites)
		}
	})
	t.Run("AReplicaTooFarBehindServesNothing", func(t *testing.T) {
		lag.Store(int64(5 * time.Second))
		waitFor(t, func() bool { return !replica.Healthy() })
		if n := listed(t, other); n != 1 {
			t.Fatalf("with the replica 5 s behind the list reads it (%d orders)", n)
		}
		lag.Store(0)
		waitFor(t, replica.Healthy)
	})
	t.Run("AReadThatFailsOnTheReplicaIsReadOnThePrimary", func(t *testing.T) {
		cfg, err := mysql.ParseDSN(frozen)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecCtx(ctx, "drop database "+cfg.DBName); err != nil {
			t.Fatal(err)
		}
		// the probe still calls the replica healthy: only the failed read can send it elsewhere
		if n := listed(t, other); n != 1 {
			t.Fatalf("a read failing on the replica answered %d orders, want the primary's 1", n)
		}
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal(errors.New("condition not met within 5 s"))
}
