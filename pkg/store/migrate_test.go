package store_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"zeromall/pkg/store"
	"zeromall/pkg/testkit"

	"github.com/go-sql-driver/mysql"
)

func TestApply_CreatesDatabaseAppliesInOrderOnce(t *testing.T) {
	dsn := testkit.NewDatabaseDSN(t, "migrate")
	fsys := fstest.MapFS{
		"0002_add_b.sql":  {Data: []byte("ALTER TABLE t ADD COLUMN b int NOT NULL DEFAULT 0;")},
		"0001_create.sql": {Data: []byte("CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t (id) VALUES (1);")},
		"README.md":       {Data: []byte("not a migration")},
	}
	ctx := context.Background()
	applied, err := store.Migrate(ctx, dsn, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(applied, ",") != "0001_create.sql,0002_add_b.sql" {
		t.Fatalf("applied %v", applied)
	}
	again, err := store.Migrate(ctx, dsn, fsys)
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
	if _, err := store.Migrate(ctx, dsn, fstest.MapFS{"0001_a.sql": {Data: []byte("CREATE TABLE a (id int);")}}); err != nil {
		t.Fatal(err)
	}
	_, err := store.Migrate(ctx, dsn, fstest.MapFS{"0001_a.sql": {Data: []byte("CREATE TABLE a (id bigint);")}})
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
			applied, err := store.Migrate(context.Background(), dsn, fsys)
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
	_, err := store.Migrate(context.Background(), dsn, fstest.MapFS{"0001_bad.sql": {Data: []byte("CREATE TABLE (;")}})
	if err == nil || !strings.Contains(err.Error(), "0001_bad.sql") {
		t.Fatalf("bad migration: %v", err)
	}
}

// Once every migration is applied, Apply issues no DDL at all: on Galera even a CREATE … IF NOT
// EXISTS runs in total order and aborts the transactions in flight. A user without the CREATE
// privilege proves it: any CREATE DATABASE or CREATE TABLE would be refused.
func TestApply_NothingPendingIssuesNoDDL(t *testing.T) {
	dsn := testkit.NewDatabaseDSN(t, "migrate")
	fsys := fstest.MapFS{"0001_create.sql": {Data: []byte("CREATE TABLE t (id int PRIMARY KEY);")}}
	ctx := context.Background()
	if _, err := store.Migrate(ctx, dsn, fsys); err != nil {
		t.Fatal(err)
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	root, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	user := "dml_" + strings.TrimPrefix(cfg.DBName, "zeromall_")
	if len(user) > 32 {
		user = user[:32]
	}
	for _, stmt := range []string{
		"CREATE USER '" + user + "'@'%' IDENTIFIED BY 'dml-only'",
		"GRANT SELECT, INSERT, UPDATE, DELETE ON `" + cfg.DBName + "`.* TO '" + user + "'@'%'",
	} {
		if _, err := root.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	t.Cleanup(func() { _, _ = root.ExecContext(context.Background(), "DROP USER '"+user+"'@'%'") })

	cfg.User, cfg.Passwd = user, "dml-only"
	if applied, err := store.Migrate(ctx, cfg.FormatDSN(), fsys); err != nil || len(applied) != 0 {
		t.Fatalf("with nothing pending, Apply as a user without DDL rights: applied %v, %v", applied, err)
	}
	// The same user is refused DDL, so the check above could fail.
	fsys["0002_more.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE u (id int PRIMARY KEY);")}
	if _, err := store.Migrate(ctx, cfg.FormatDSN(), fsys); err == nil {
		t.Fatal("a pending CREATE TABLE went through for a user without the CREATE privilege")
	}
}

// A file of data changes runs in one transaction with its schema_migrations row: when a later
// statement of it fails, nothing of it stays, so a re-run cannot apply it twice.
func TestApply_ADataMigrationIsAllOrNothing(t *testing.T) {
	dsn := testkit.NewDatabaseDSN(t, "migrate")
	ctx := context.Background()
	schema := fstest.MapFS{"0001_create.sql": {Data: []byte("CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY);")}}
	if _, err := store.Migrate(ctx, dsn, schema); err != nil {
		t.Fatal(err)
	}
	schema["0002_seed.sql"] = &fstest.MapFile{Data: []byte("INSERT INTO t (id) VALUES (1), (2);\nINSERT INTO t (id) VALUES (2);")}
	if _, err := store.Migrate(ctx, dsn, schema); err == nil {
		t.Fatal("a seed whose second statement fails was applied")
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, recorded int
	if err := db.QueryRow("SELECT (SELECT COUNT(*) FROM t), (SELECT COUNT(*) FROM schema_migrations WHERE version = '0002_seed')").Scan(&rows, &recorded); err != nil {
		t.Fatal(err)
	}
	if rows != 0 || recorded != 0 {
		t.Fatalf("%d seeded rows and %d records left by a failed seed, want none", rows, recorded)
	}
	schema["0002_seed.sql"] = &fstest.MapFile{Data: []byte("INSERT INTO t (id) VALUES (1), (2);")}
	if _, err := store.Migrate(ctx, dsn, schema); err != nil {
		t.Fatalf("the fixed seed: %v", err)
	}
}

// Making an applied migration safe to re-run (IF NOT EXISTS, IF EXISTS) keeps its checksum; any
// other edit is still refused.
func TestApply_IfNotExistsAddedToAnAppliedMigrationIsNotAnEdit(t *testing.T) {
	dsn := testkit.NewDatabaseDSN(t, "migrate")
	ctx := context.Background()
	if _, err := store.Migrate(ctx, dsn, fstest.MapFS{"0001_create.sql": {Data: []byte("CREATE TABLE t (id int PRIMARY KEY);\nALTER TABLE t ADD COLUMN b int;")}}); err != nil {
		t.Fatal(err)
	}
	guarded := fstest.MapFS{"0001_create.sql": {Data: []byte("CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY);\nALTER TABLE t ADD COLUMN if not exists b int;")}}
	if _, err := store.Migrate(ctx, dsn, guarded); err != nil {
		t.Fatalf("IF NOT EXISTS added: %v", err)
	}
	edited := fstest.MapFS{"0001_create.sql": {Data: []byte("CREATE TABLE IF NOT EXISTS t (id bigint PRIMARY KEY);\nALTER TABLE t ADD COLUMN IF NOT EXISTS b int;")}}
	if _, err := store.Migrate(ctx, dsn, edited); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Fatalf("a real edit: %v, want it refused", err)
	}
}
