package migrate_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"zeromall/pkg/migrate"
	"zeromall/pkg/testkit"

	_ "github.com/go-sql-driver/mysql"
)

func TestApply_CreatesDatabaseAppliesInOrderOnce(t *testing.T) {
	dsn := testkit.NewDatabaseDSN(t, "migrate")
	fsys := fstest.MapFS{
		"0002_add_b.sql":  {Data: []byte("ALTER TABLE t ADD COLUMN b int NOT NULL DEFAULT 0;")},
		"0001_create.sql": {Data: []byte("CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t (id) VALUES (1);")},
		"README.md":       {Data: []byte("not a migration")},
	}
	ctx := context.Background()
	applied, err := migrate.Apply(ctx, dsn, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(applied, ",") != "0001_create.sql,0002_add_b.sql" {
		t.Fatalf("applied %v", applied)
	}
	again, err := migrate.Apply(ctx, dsn, fsys)
	if err != nil || len(again) != 0 {
		t.Fatalf("second run applied %v, %v", again, err)
	}

	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b int
	if err := db.QueryRow("SELECT b FROM t WHERE id = 1").Scan(&b); err != nil {
		t.Fatalf("schema not migrated: %v", err)
	}
}

func TestApply_RefusesEditedMigration(t *testing.T) {
	dsn := testkit.NewDatabaseDSN(t, "migrate")
	ctx := context.Background()
	if _, err := migrate.Apply(ctx, dsn, fstest.MapFS{"0001_a.sql": {Data: []byte("CREATE TABLE a (id int);")}}); err != nil {
		t.Fatal(err)
	}
	_, err := migrate.Apply(ctx, dsn, fstest.MapFS{"0001_a.sql": {Data: []byte("CREATE TABLE a (id bigint);")}})
	if err == nil || !strings.Contains(err.Error(), "changed after it was applied") {
		t.Fatalf("edited migration: %v", err)
	}
}

func TestApply_ConcurrentStartersApplyOnce(t *testing.T) {
	dsn := testkit.NewDatabaseDSN(t, "migrate")
	fsys := fstest.MapFS{"0001_a.sql": {Data: []byte("CREATE TABLE a (id int);")}}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied, err := migrate.Apply(context.Background(), dsn, fsys)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += len(applied)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != 1 {
		t.Fatalf("migration applied %d times", total)
	}
}

func TestApply_ReportsFailingStatement(t *testing.T) {
	dsn := testkit.NewDatabaseDSN(t, "migrate")
	_, err := migrate.Apply(context.Background(), dsn, fstest.MapFS{"0001_bad.sql": {Data: []byte("CREATE TABLE (;")}})
	if err == nil || !strings.Contains(err.Error(), "0001_bad.sql") {
		t.Fatalf("bad migration: %v", err)
	}
}
