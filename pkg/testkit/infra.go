// Package testkit is zeromall's test harness: real MySQL databases, a private Redis and an
// etcd (deploy/devetcd) per test run, and the services themselves started as processes on free ports.
// Nothing here is a fake; each run's names and ports are its own, so runs do not collide.
package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"zeromall/pkg/store"

	"github.com/go-sql-driver/mysql"
	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/redis"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// MySQLServerEnv names the variable holding the DSN (without database) of the MySQL server
// tests use; by default the local server as root.
const MySQLServerEnv = "ZEROMALL_TEST_MYSQL"

const defaultMySQLServer = "root:@tcp(127.0.0.1:3306)/"

// FreeAddr returns a loopback host:port nobody listens on right now.
func FreeAddr(t testing.TB) string {
	t.Helper()
	return FreeAddrs(t, 1)[0]
}

// FreeAddrs returns n distinct loopback host:ports nobody listens on right now. They are held
// open together until all are chosen: ports picked one at a time can repeat.
func FreeAddrs(t testing.TB, n int) []string {
	t.Helper()
	addrs := make([]string, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("free port: %v", err)
		}
		defer l.Close()
		addrs = append(addrs, l.Addr().String())
	}
	return addrs
}

// Port returns the port of a host:port.
func Port(addr string) int {
	_, p, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(p)
	return n
}

func randomSuffix() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// NewDatabaseDSN returns the DSN of a database named zeromall_<service>_t<random> that does not
// exist yet (the service's migrations create it) and is dropped when the test ends.
func NewDatabaseDSN(t testing.TB, service string) string {
	t.Helper()
	cfg := mysqlServer(t)
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatalf("open mysql: %v", err)
	}
	if err := admin.Ping(); err != nil {
		t.Fatalf("MySQL at %s is not reachable (set %s): %v", cfg.Addr, MySQLServerEnv, err)
	}
	name := fmt.Sprintf("zeromall_%s_t%s", service, randomSuffix())
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS `" + name + "`")
		admin.Close()
	})

	cfg.DBName = name
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Timeout = 2 * time.Second
	cfg.Params = map[string]string{"charset": "utf8mb4", "time_zone": "'+00:00'"}
	return cfg.FormatDSN()
}

// NewMigratedDSN is NewDatabaseDSN with the service's migrations (apps/<svc>/model/migrations, handed in by the
// caller) already applied.
func NewMigratedDSN(t testing.TB, service string, migrations fs.FS) string {
	t.Helper()
	dsn := NewDatabaseDSN(t, service)
	if _, err := store.Migrate(context.Background(), dsn, migrations); err != nil {
		t.Fatalf("migrate %s: %v", service, err)
	}
	return dsn
}

// mysqlServer is the configuration of the MySQL server tests use, without a database.
func mysqlServer(t testing.TB) *mysql.Config {
	t.Helper()
	server := os.Getenv(MySQLServerEnv)
	if server == "" {
		server = defaultMySQLServer
	}
	cfg, err := mysql.ParseDSN(server)
	if err != nil {
		t.Fatalf("%s: %v", MySQLServerEnv, err)
	}
	cfg.DBName = ""
	return cfg
}

// Redis is a private redis-server process: tests may stop and restart it.
type Redis struct {
	Addr string
	t    testing.TB
	dir  string
	cmd  *exec.Cmd
}

// StartRedis starts redis-server (from PATH) on a free loopback port; it is killed at cleanup.
func StartRedis(t testing.TB) *Redis {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("redis-server is not on PATH (install the OS package redis-server): %v", err)
	}
	r := &Redis{Addr: FreeAddr(t), t: t, dir: t.TempDir()}
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// Conf is how a service reaches this server (no CLIENT SETINFO, as in the services' YAML).
func (r *Redis) Conf() redis.RedisConf {
	return redis.RedisConf{Host: r.Addr, Type: redis.NodeType, DisableIdentity: true}
}

// CacheConf is a goctl model's cache on this server.
func (r *Redis) CacheConf() cache.CacheConf {
	return cache.CacheConf{{RedisConf: r.Conf(), Weight: 100}}
}

// Journal is a cache invalidation journal on db whose keys live on this server, drained at one
// second as in a service without a replica.
func (r *Redis) Journal(db sqlx.SqlConn) *store.Journal {
	return store.NewJournal(db, redis.MustNewRedis(r.Conf()), time.Second)
}

// Start (re)starts the server on its address.
func (r *Redis) Start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(Port(r.Addr)),
		"--save", "", "--appendonly", "no", "--dir", r.dir, "--logfile", filepath.Join(r.dir, "redis.log"))
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("start redis: %v", err)
	}
	// go-zero shares one client per address in a process, made with the options of the first
	// user: this one must not send CLIENT SETINFO either (see the services' Redis config).
	conf := r.Conf()
	conf.NonBlock = true
	client := redis.MustNewRedis(conf)
	Eventually(r.t, 10*time.Second, "redis answers PING", func() bool {
		return client.PingCtx(context.Background())
	})
}

// Stop kills the server.
func (r *Redis) Stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
}

// Etcd is a single-node etcd run by deploy/devetcd (its own module, so the etcd server never
// enters the main module): tests may stop and restart it.
type Etcd struct {
	Endpoint string
	t        testing.TB
	dir      string
	peer     string
	proc     *Process
}

// StartEtcd runs etcd on free loopback ports; it stops at cleanup.
func StartEtcd(t testing.TB) *Etcd {
	t.Helper()
	e := &Etcd{Endpoint: FreeAddr(t), t: t, dir: t.TempDir(), peer: FreeAddr(t)}
	bin := buildIn(t, "deploy/devetcd", ".")
	e.proc = StartProcess(t, "etcd", bin, []string{"--data-dir", e.dir, "--listen", e.Endpoint, "--peer", e.peer}, nil)
	e.waitReady(1)
	return e
}

// Start restarts etcd with the same data and ports.
func (e *Etcd) Start() {
	e.t.Helper()
	starts := strings.Count(e.proc.Logs(), etcdReady) + 1
	e.proc.Start()
	e.waitReady(starts)
}

// Stop stops etcd.
func (e *Etcd) Stop() {
	e.proc.Stop()
}

const etcdReady = "etcd serving clients on" // printed by deploy/devetcd once ready

// waitReady waits until etcd has said it is ready for the starts-th time.
func (e *Etcd) waitReady(starts int) {
	e.t.Helper()
	Eventually(e.t, 30*time.Second, "etcd serves clients on "+e.Endpoint, func() bool {
		if e.proc.Exited() {
			e.t.Fatalf("etcd exited:\n%s", Tail(e.proc.Logs(), 20))
		}
		return strings.Count(e.proc.Logs(), etcdReady) >= starts
	})
}

// Eventually polls cond every 50 ms until it holds or timeout passes, then fails the test.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting until %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// RepoRoot finds the module root (the folder holding go.mod with module zeromall).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.HasPrefix(string(b), "module zeromall\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("repo root (go.mod of module zeromall) not found")
		}
		dir = parent
	}
}
