package testkit

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// RequirePortsFree fails the test if anything listens on one of ports on 127.0.0.1: a test that
// starts make run's stack needs its fixed ports.
func RequirePortsFree(t testing.TB, ports ...int) {
	t.Helper()
	for _, p := range ports {
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", p), 200*time.Millisecond); err == nil {
			_ = c.Close()
			t.Fatalf("127.0.0.1:%d is taken: this test starts make run's stack itself; stop the running one (make stop)", p)
		}
	}
}

// StartRunStack runs make run's script detached from root with env added (TRACING=1, say), and
// make stop's at cleanup, showing the tail of the processes' logs (and of the extra ones named in
// logs) when the test failed. Sign-up and login limits are lifted: every request of such a test
// comes from 127.0.0.1, and make run's limiter counts live in the machine's Redis across runs.
func StartRunStack(t testing.TB, root string, logs []string, env ...string) {
	t.Helper()
	t.Cleanup(func() {
		stop := exec.Command("deploy/scripts/stop.sh")
		stop.Dir = root
		if out, err := stop.CombinedOutput(); err != nil {
			t.Errorf("make stop: %v\n%s", err, out)
		}
		if t.Failed() {
			for _, name := range append(logs, Processes...) {
				if b, err := os.ReadFile(filepath.Join(root, ".run", "logs", name+".log")); err == nil {
					t.Logf("---- %s log (tail) ----\n%s", name, Tail(string(b), 30))
				}
			}
		}
	})
	run := exec.Command("deploy/scripts/run.sh", "--detach")
	run.Dir = root
	run.Env = append(append(os.Environ(), "REGISTER_LIMIT_IP=1000000", "LOGIN_LIMIT_IP=1000000"), env...)
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("%s deploy/scripts/run.sh --detach: %v\n%s", strings.Join(env, " "), err, Tail(string(out), 30))
	}
}
