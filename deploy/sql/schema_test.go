package migrations

import (
	"context"
	"database/sql"
	"regexp"
	"slices"
	"testing"
	"testing/fstest"

	"zeromall/pkg/migrate"
	"zeromall/pkg/testkit"
)

var services = []string{"user", "order", "payment"}

// TestSchemaMatchesMigrations proves each service's schema.sql (what goctl generates models from)
// describes exactly the tables its migrations build.
func TestSchemaMatchesMigrations(t *testing.T) {
	for _, svc := range services {
		t.Run(svc, func(t *testing.T) {
			ctx := context.Background()
			migrated := testkit.NewDatabaseDSN(t, svc)
			if _, err := migrate.Apply(ctx, migrated, For(svc)); err != nil {
				t.Fatal(err)
			}
			schema, err := Schema(svc)
			if err != nil {
				t.Fatal(err)
			}
			fromSchema := testkit.NewDatabaseDSN(t, svc)
			if _, err := migrate.Apply(ctx, fromSchema, fstest.MapFS{"0001_schema.sql": {Data: []byte(schema)}}); err != nil {
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

// TestCacheInvalidationJournalIsTheSameEverywhere proves every service's migrations build the
// journal table pkg/invalidation reads and writes, identically.
func TestCacheInvalidationJournalIsTheSameEverywhere(t *testing.T) {
	var first string
	for _, svc := range services {
		dsn := testkit.NewDatabaseDSN(t, svc)
		if _, err := migrate.Apply(context.Background(), dsn, For(svc)); err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			t.Fatal(err)
		}
		var name, ddl string
		err = db.QueryRow("SHOW CREATE TABLE `cache_invalidation`").Scan(&name, &ddl)
		db.Close()
		if err != nil {
			t.Fatalf("%s: %v", svc, err)
		}
		ddl = autoIncrement.ReplaceAllString(ddl, "")
		if first == "" {
			first = ddl
		} else if ddl != first {
			t.Errorf("%s's cache_invalidation differs:\n%s\nfrom %s's:\n%s", svc, ddl, services[0], first)
		}
	}
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
var infrastructure = []string{"schema_migrations", "cache_invalidation"}

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
