package migrations

import (
	"context"
	"database/sql"
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"zeromall/pkg/store"
	"zeromall/pkg/testkit"
)

// Migration 0009 gives the pending orders already there their buyers' slots 0, 1, … oldest first,
// and none to the others, so the cap on unpaid orders counts them from the first creation after.
func TestOrderMigration0009_GivesExistingPendingOrdersSlots(t *testing.T) {
	ctx := context.Background()
	dsn := testkit.NewDatabaseDSN(t, "order")
	all := Files
	before := upTo(t, all, "0008")
	if _, err := store.Migrate(ctx, dsn, before); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, row := range []struct {
		user   int64
		status string
	}{{7, "pending"}, {8, "pending"}, {7, "paid"}, {7, "pending"}, {7, "cancelled"}, {7, "pending"}} {
		if _, err := db.ExecContext(ctx, "INSERT INTO orders (sn, user_id, status, total_amount) VALUES (?, ?, ?, 100)",
			"MIGRATION-"+strconv.Itoa(i), row.user, row.status); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.Migrate(ctx, dsn, all); err != nil {
		t.Fatal(err)
	}
	rows, err := db.QueryContext(ctx, "SELECT user_id, status, pending_slot FROM orders ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var (
			user   int64
			status string
			slot   sql.NullInt64
		)
		if err := rows.Scan(&user, &status, &slot); err != nil {
			t.Fatal(err)
		}
		s := "-"
		if slot.Valid {
			s = strconv.FormatInt(slot.Int64, 10)
		}
		got = append(got, status+":"+s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := "pending:0 pending:0 paid:- pending:1 cancelled:- pending:2"
	if strings.Join(got, " ") != want {
		t.Fatalf("slots after the migration: %s, want %s", strings.Join(got, " "), want)
	}
}

// upTo is fsys with the migrations numbered up to and including last.
func upTo(t *testing.T, fsys fs.FS, last string) fs.FS {
	t.Helper()
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sub := fstest.MapFS{}
	for _, name := range names {
		if name[:4] <= last {
			body, err := fs.ReadFile(fsys, name)
			if err != nil {
				t.Fatal(err)
			}
			sub[name] = &fstest.MapFile{Data: body}
		}
	}
	return sub
}
