package testkit

import (
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Proxy is a TCP proxy that a test can cut (Stop: new connections refused, open ones dropped),
// restore (Start), slow down (SetDelay) or make lose a commit's answer (LoseNextCommitAnswer) —
// how the fault tests take MySQL away from services without touching the shared server.
type Proxy struct {
	Addr       string
	target     string
	t          testing.TB
	delay      atomic.Int64
	loseCommit atomic.Bool

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]struct{}
}

// StartProxy listens on a free loopback port and forwards to target; it stops at cleanup.
func StartProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	p := &Proxy{Addr: FreeAddr(t), target: target, t: t, conns: map[net.Conn]struct{}{}}
	p.Start()
	t.Cleanup(p.Stop)
	return p
}

// Start (re)opens the listener on Addr.
func (p *Proxy) Start() {
	p.t.Helper()
	ln, err := net.Listen("tcp", p.Addr)
	if err != nil {
		p.t.Fatalf("proxy listen %s: %v", p.Addr, err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go p.accept(ln)
}

// Stop closes the listener and every open connection.
func (p *Proxy) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
	p.conns = map[net.Conn]struct{}{}
}

// LoseNextCommitAnswer makes the next MySQL COMMIT go through to the server while its answer
// never reaches the client: the connection breaks once the server has answered, so the client
// cannot know whether its transaction committed (it did), as when a database or the link to it
// dies at that moment.
func (p *Proxy) LoseNextCommitAnswer() {
	p.loseCommit.Store(true)
}

// isCommit reports whether chunk holds a MySQL packet of COM_QUERY (0x03) "COMMIT"; a client
// may send packets that get no answer (closing a statement) in the same write.
func isCommit(chunk []byte) bool {
	for len(chunk) > 4 {
		size := int(chunk[0]) | int(chunk[1])<<8 | int(chunk[2])<<16
		if len(chunk) < 4+size {
			return false
		}
		payload := chunk[4 : 4+size]
		if len(payload) > 1 && payload[0] == 0x03 && strings.EqualFold(strings.TrimSpace(string(payload[1:])), "COMMIT") {
			return true
		}
		chunk = chunk[4+size:]
	}
	return false
}

// SetDelay delays every chunk sent to the target by d (0 turns it off).
func (p *Proxy) SetDelay(d time.Duration) {
	p.delay.Store(int64(d))
}

func (p *Proxy) accept(ln net.Listener) {
	for {
		client, err := ln.Accept()
		if err != nil {
			return
		}
		server, err := net.DialTimeout("tcp", p.target, 2*time.Second)
		if err != nil {
			_ = client.Close()
			continue
		}
		if !p.track(client, server) {
			return
		}
		answerLost := new(atomic.Bool)
		go p.pipe(server, client, true, answerLost)
		go p.pipe(client, server, false, answerLost)
	}
}

func (p *Proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil { // stopped meanwhile
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
	return true
}

func (p *Proxy) pipe(dst, src net.Conn, toTarget bool, answerLost *atomic.Bool) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32*1024)
	for {
		n, err := src.Read(buf)
		if n > 0 && !toTarget && answerLost.Load() {
			return // the server answered the commit: break the connection instead of passing it on
		}
		if n > 0 && toTarget && isCommit(buf[:n]) && p.loseCommit.CompareAndSwap(true, false) {
			answerLost.Store(true)
		}
		if n > 0 {
			if d := time.Duration(p.delay.Load()); toTarget && d > 0 {
				time.Sleep(d)
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
