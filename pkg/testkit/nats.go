package testkit

import (
	"strings"
	"testing"
	"time"
)

// NATS is a single-node NATS server with JetStream, run by deploy/devnats (its own module, so
// the server never enters the main module): tests may stop and restart it with its data.
type NATS struct {
	URL    string // nats://host:port
	t      testing.TB
	listen string
	proc   *Process
}

// StartNATS runs NATS with JetStream on a free loopback port; it stops at cleanup.
func StartNATS(t testing.TB) *NATS {
	t.Helper()
	listen := FreeAddr(t)
	n := &NATS{URL: "nats://" + listen, t: t, listen: listen}
	bin := buildIn(t, "deploy/devnats", ".")
	n.proc = StartProcess(t, "nats", bin, []string{"--data-dir", t.TempDir(), "--listen", listen}, nil)
	n.waitReady(1)
	return n
}

// Start restarts NATS with the same data and port.
func (n *NATS) Start() {
	n.t.Helper()
	starts := strings.Count(n.proc.Logs(), natsReady) + 1
	n.proc.Start()
	n.waitReady(starts)
}

// Stop stops NATS.
func (n *NATS) Stop() {
	n.proc.Stop()
}

const natsReady = "nats serving clients on" // printed by deploy/devnats once ready

func (n *NATS) waitReady(starts int) {
	n.t.Helper()
	Eventually(n.t, 30*time.Second, "nats serves clients on "+n.listen, func() bool {
		if n.proc.Exited() {
			n.t.Fatalf("nats exited:\n%s", Tail(n.proc.Logs(), 20))
		}
		return strings.Count(n.proc.Logs(), natsReady) >= starts
	})
}

// Kill ends NATS at once, as a crash would.
func (n *NATS) Kill() {
	n.proc.Kill()
}
