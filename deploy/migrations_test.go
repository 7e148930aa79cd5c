package deploy

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	order "zeromall/apps/order/model/migrations"
	payment "zeromall/apps/payment/model/migrations"
	user "zeromall/apps/user/model/migrations"
	"zeromall/pkg/store"
	"zeromall/pkg/testkit"

	"github.com/go-sql-driver/mysql"
)

// The migrations of each service, in the order a reader meets them.
var (
	services   = []string{"user", "order", "payment"}
	migrations = map[string]fs.FS{"user": user.Files, "order": order.Files, "payment": payment.Files}
	schemas    = map[string]string{"user": user.Schema, "order": order.Schema, "payment": payment.Schema}
)

// TestSchemaMatchesMigrations proves each service's schema.sql (what goctl generates models from)
// describes exactly the tables its migrations build.
func TestSchemaMatchesMigrations(t *testing.T) {
	for _, svc := range services {
		t.Run(svc, func(t *testing.T) {
			ctx := context.Background()
			migrated := testkit.NewDatabaseDSN(t, svc)
			if _, err := store.Migrate(ctx, migrated, migrations[svc]); err != nil {
				t.Fatal(err)
			}
			schema := schemas[svc]
			fromSchema := testkit.NewDatabaseDSN(t, svc)
			if _, err := store.Migrate(ctx, fromSchema, fstest.MapFS{"0001_schema.sql": {Data: []byte(schema)}}); err != nil {
				t.Fatal(err)
			}
			want, got := tables(t, migrated), tables(t, fromSchema)
			for name, ddl := range want {
				if got[name] != ddl {
					t.Errorf("table %s differs.\nmigrations:\n%s\nschema.sql:\n%s", name, ddl, got[name])
				}
			}
			for name := range got {
				if _, ok := want[name]; !ok {
					t.Errorf("schema.sql has table %s that no migration creates", name)
				}
			}
		})
	}
}

// TestInfrastructureTablesAreTheSameEverywhere proves that every service's migrations build the
// tables a pkg package reads and writes (the cache invalidation journal; the outbox and the inbox
// of the services that publish and consume events) identically.
func TestInfrastructureTablesAreTheSameEverywhere(t *testing.T) {
	first := map[string]string{}
	firstOf := map[string]string{}
	for _, svc := range services {
		dsn := testkit.NewDatabaseDSN(t, svc)
		if _, err := store.Migrate(context.Background(), dsn, migrations[svc]); err != nil {
			t.Fatal(err)
		}
		got := infrastructureTables(t, dsn)
		if _, ok := got["cache_invalidation"]; !ok {
			t.Errorf("%s has no cache_invalidation", svc)
		}
		for name, ddl := range got {
			if first[name] == "" {
				first[name], firstOf[name] = ddl, svc
			} else if ddl != first[name] {
				t.Errorf("%s's %s differs:\n%s\nfrom %s's:\n%s", svc, name, ddl, firstOf[name], first[name])
			}
		}
	}
	for _, name := range []string{"outbox", "inbox"} {
		if first[name] == "" {
			t.Errorf("no service has %s", name)
		}
	}
}

// infrastructureTables is SHOW CREATE TABLE of each infrastructure table dsn's database has.
func infrastructureTables(t *testing.T, dsn string) map[string]string {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]string{}
	for _, n := range infrastructure[1:] {
		var name, ddl string
		err := db.QueryRow("SHOW CREATE TABLE `"+n+"`").Scan(&name, &ddl)
		if errors.Is(err, sql.ErrNoRows) || (err != nil && strings.Contains(err.Error(), "1146")) {
			continue // the service has no such table
		}
		if err != nil {
			t.Fatal(err)
		}
		out[name] = autoIncrement.ReplaceAllString(ddl, "")
	}
	return out
}

var autoIncrement = regexp.MustCompile(` AUTO_INCREMENT=\d+`)

func tables(t *testing.T, dsn string) map[string]string {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	names := tableNames(t, db)
	out := map[string]string{}
	for _, n := range names {
		var name, ddl string
		if err := db.QueryRow("SHOW CREATE TABLE `"+n+"`").Scan(&name, &ddl); err != nil {
			t.Fatal(err)
		}
		out[n] = autoIncrement.ReplaceAllString(ddl, "")
	}
	return out
}

// infrastructure are tables every service has that belong to a pkg package, not to the domain:
// schema.sql leaves them out, so goctl generates no model for them.
// schema_migrations first: the others are compared between services.
var infrastructure = []string{"schema_migrations", "cache_invalidation", "outbox", "inbox"}

// tableNames lists the tables of db, except the infrastructure ones.
func tableNames(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SHOW TABLES")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(infrastructure, n) {
			names = append(names, n)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// ddl tells a migration that changes the schema from one that only changes data.
var ddl = regexp.MustCompile(`(?im)^\s*(CREATE|ALTER|DROP|RENAME)\s`)

// TestEveryMigrationIsSafeToRunAgain crashes a start-up between each migration's DDL (which
// MariaDB commits on its own) and its schema_migrations row: the file's statements are applied by
// hand, unrecorded, and then the service's start-up migration (store.Migrate, what every rpc runs
// before it serves) must succeed and build the same tables as an uninterrupted run. A file of data
// changes only runs in one transaction with its row (pkg/store's
// TestApply_ADataMigrationIsAllOrNothing), so it cannot be left half done.
func TestEveryMigrationIsSafeToRunAgain(t *testing.T) {
	ctx := context.Background()
	for _, svc := range services {
		clean := testkit.NewDatabaseDSN(t, svc)
		if _, err := store.Migrate(ctx, clean, migrations[svc]); err != nil {
			t.Fatal(err)
		}
		want := allTables(t, clean)
		names, err := fs.Glob(migrations[svc], "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for i, name := range names {
			body, err := fs.ReadFile(migrations[svc], name)
			if err != nil {
				t.Fatal(err)
			}
			if !ddl.Match(body) {
				continue // data only: all or nothing, see above
			}
			t.Run(svc+"/"+name, func(t *testing.T) {
				dsn := testkit.NewDatabaseDSN(t, svc)
				before := fstest.MapFS{}
				for _, n := range names[:i] {
					b, _ := fs.ReadFile(migrations[svc], n)
					before[n] = &fstest.MapFile{Data: b}
				}
				if _, err := store.Migrate(ctx, dsn, before); err != nil {
					t.Fatal(err)
				}
				runByHand(t, dsn, string(body))
				if _, err := store.Migrate(ctx, dsn, migrations[svc]); err != nil {
					t.Fatalf("start-up after %s's DDL was applied unrecorded: %v", name, err)
				}
				got := allTables(t, dsn)
				for table, ddl := range want {
					if got[table] != ddl {
						t.Errorf("table %s differs after the re-run.\nuninterrupted:\n%s\nre-run:\n%s", table, ddl, got[table])
					}
				}
			})
		}
	}
}

// runByHand runs a migration's statements on dsn's database without recording them.
func runByHand(t *testing.T, dsn, body string) {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MultiStatements = true
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(body); err != nil {
		t.Fatal(err)
	}
}

// allTables is every table of dsn's database but schema_migrations, as SHOW CREATE TABLE says.
func allTables(t *testing.T, dsn string) map[string]string {
	t.Helper()
	out := tables(t, dsn)
	maps.Copy(out, infrastructureTables(t, dsn))
	return out
}
