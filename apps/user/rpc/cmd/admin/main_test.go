package main

import (
	"database/sql"
	"os"
	"os/exec"
	"strings"
	"testing"

	"zeromall/apps/user/model/migrations"
	"zeromall/pkg/testkit"
)

// `make admin EMAIL=…`, exactly as the README shows it, works against the local stack (its
// development defaults), and still refuses them when ZEROMALL_ENV=production.
func TestMakeAdmin_WorksOnTheDevStackAndRefusesDefaultsInProduction(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make is needed: it is what the README tells users to run")
	}
	dsn := testkit.NewMigratedDSN(t, "user", migrations.Files)
	r := testkit.StartRedis(t)
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("INSERT INTO users (email, password_hash, nickname) VALUES ('ann@example.com', 'x', 'Ann')"); err != nil {
		t.Fatal(err)
	}
	makeAdmin := func(env ...string) (string, error) {
		cmd := exec.Command("make", "--no-print-directory", "admin", "EMAIL=ann@example.com")
		cmd.Dir = testkit.RepoRoot(t)
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "ZEROMALL_ENV=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, append([]string{"USER_DB_DSN=" + dsn, "REDIS_ADDR=" + r.Addr}, env...)...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out, err := makeAdmin()
	if err != nil || !strings.Contains(out, "(ann@example.com) is now admin") {
		t.Fatalf("make admin on the dev stack: %v\n%s", err, out)
	}
	var role string
	if err := db.QueryRow("SELECT role FROM users WHERE email = 'ann@example.com'").Scan(&role); err != nil || role != "admin" {
		t.Fatalf("role %q (%v), want admin", role, err)
	}
	out, err = makeAdmin("ZEROMALL_ENV=production")
	if err == nil || !strings.Contains(out, "JWT_SECRET") {
		t.Fatalf("make admin in production with the public defaults: %v\n%s", err, out)
	}
}
