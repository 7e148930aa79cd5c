package testkit

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildMu  sync.Mutex
	builtDir string
	built    = map[string]string{}
)

// Build compiles a main package (e.g. "./apps/user/rpc") once per test process, with the crash
// points compiled in, and returns the binary's path.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	return buildIn(t, "", pkg)
}

// buildIn is Build for a main package of the module in dir (relative to the repo root; "" is the
// main module).
func buildIn(t testing.TB, dir, pkg string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	key := filepath.Join(dir, pkg)
	if bin, ok := built[key]; ok {
		return bin
	}
	if builtDir == "" {
		dir, err := os.MkdirTemp("", "zeromall-bin-")
		if err != nil {
			t.Fatal(err)
		}
		builtDir = dir
	}
	bin := filepath.Join(builtDir, strings.NewReplacer("./", "", "/", "-").Replace(key))
	// With the services' build tags, and crash points (pkg/crashpoint): inert unless a test arms
	// one in ZEROMALL_CRASH_AT.
	cmd := exec.Command("go", "build", "-tags", BuildSetting(t, "GO_TAGS")+",crashpoints", "-o", bin, pkg)
	cmd.Dir = filepath.Join(RepoRoot(t), dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", key, err, out)
	}
	built[key] = bin
	return bin
}

// Process is a service binary running under test, with its output captured.
type Process struct {
	Name string
	t    testing.TB
	bin  string
	args []string
	env  []string
	cmd  *exec.Cmd
	done chan struct{}
	logs *syncBuffer
}

// StartProcess runs bin with args and env (added to the test's environment) in the repo root.
// It is stopped at cleanup, and its output is printed if the test failed.
func StartProcess(t testing.TB, name, bin string, args []string, env map[string]string) *Process {
	t.Helper()
	p := &Process{Name: name, t: t, bin: bin, args: args, logs: &syncBuffer{}}
	p.env = os.Environ()
	for k, v := range env {
		p.env = append(p.env, k+"="+v)
	}
	p.Start()
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			t.Logf("---- %s output ----\n%s", p.Name, Tail(p.Logs(), 60))
		}
	})
	return p
}

// Start (re)starts the process.
func (p *Process) Start() {
	p.t.Helper()
	p.cmd = exec.Command(p.bin, p.args...)
	p.cmd.Dir = RepoRoot(p.t)
	p.cmd.Env = p.env
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test
	if err := p.cmd.Start(); err != nil {
		p.t.Fatalf("start %s: %v", p.Name, err)
	}
	done := make(chan struct{})
	p.done = done
	go func(cmd *exec.Cmd) {
		_ = cmd.Wait()
		close(done)
	}(p.cmd)
}

// Stop sends SIGTERM and waits for a graceful exit (SIGKILL after 10 s).
func (p *Process) Stop() {
	p.signal(syscall.SIGTERM, 10*time.Second)
}

// Kill ends the process at once, as a crash would.
func (p *Process) Kill() {
	p.signal(syscall.SIGKILL, 5*time.Second)
}

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *Process) signal(sig syscall.Signal, wait time.Duration) {
	if p.cmd == nil || p.Exited() {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(wait):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// Logs returns everything the process printed so far.
func (p *Process) Logs() string { return p.logs.String() }

// WaitHealthy waits until the dev server's /healthz answers 200 or the process dies.
func (p *Process) WaitHealthy(devAddr string, timeout time.Duration) {
	p.t.Helper()
	url := fmt.Sprintf("http://%s/healthz", devAddr)
	client := &http.Client{Timeout: time.Second}
	Eventually(p.t, timeout, p.Name+" is healthy", func() bool {
		if p.Exited() {
			p.t.Fatalf("%s exited while starting:\n%s", p.Name, Tail(p.Logs(), 40))
		}
		resp, err := client.Get(url)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// StartHealthy starts the process and waits until it is healthy, starting it again each time it
// dies at a crash point on the way (pkg/crashpoint: a background loop, such as an event consumer,
// may reach one before the server is up); it returns how many times it did. Any other death
// fails the test.
func (p *Process) StartHealthy(devAddr string, timeout time.Duration) (crashes int) {
	p.t.Helper()
	url := fmt.Sprintf("http://%s/healthz", devAddr)
	client := &http.Client{Timeout: time.Second}
	seen := strings.Count(p.Logs(), crashpointSaid)
	p.Start()
	Eventually(p.t, timeout, p.Name+" is healthy", func() bool {
		if p.Exited() {
			now := strings.Count(p.Logs(), crashpointSaid)
			if now == seen {
				p.t.Fatalf("%s exited while starting:\n%s", p.Name, Tail(p.Logs(), 40))
			}
			seen = now
			crashes++
			p.Start()
			return false
		}
		resp, err := client.Get(url)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return crashes
}

// crashpointSaid starts the line pkg/crashpoint prints before it kills the process.
const crashpointSaid = "crashpoint: "

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Tail returns the last lines of s, for a failure message.
func Tail(s string, lines int) string {
	parts := strings.Split(s, "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// Memory returns the process's resident memory now and at its peak (VmRSS and VmHWM in
// /proc/<pid>/status), in bytes.
func (p *Process) Memory() (rss, peak int64, err error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, 0, fmt.Errorf("read status of %s: %w", p.Name, err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		var kb int64
		if _, err := fmt.Sscanf(strings.TrimSpace(value), "%d kB", &kb); err != nil {
			return 0, 0, fmt.Errorf("parse %s of %s: %w", name, p.Name, err)
		}
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	return rss, peak, nil
}
