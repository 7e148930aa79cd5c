package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// A target is one endpoint with its raw HTTP/1.1 requests (several when bodies vary, e.g. one per
// product), sent round-robin.
type target struct {
	name string
	addr string
	reqs [][]byte
}

func newTarget(name, rawURL, method, token string, bodies []string) target {
	u, err := url.Parse(rawURL)
	must(err)
	t := target{name: name, addr: u.Host}
	if len(bodies) == 0 {
		bodies = []string{""}
	}
	for _, b := range bodies {
		req := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n", method, u.RequestURI(), u.Host, token)
		if b != "" {
			req += fmt.Sprintf("Content-Type: application/json\r\nContent-Length: %d\r\n", len(b))
		}
		t.reqs = append(t.reqs, []byte(req+"\r\n"+b))
	}
	return t
}

// A round is what one load run saw. Accepted answers are 2xx; rejected ones are 503 (shed,
// breaker); anything else — other statuses, broken connections — is an error.
type round struct {
	Label     string          `json:"label"`
	Offered   float64         `json:"offered_rps,omitempty"` // open loop only
	Conns     int             `json:"conns"`
	Seconds   float64         `json:"seconds"`
	accepted  []time.Duration // latencies of 2xx answers
	Rejected  int             `json:"rejected"`
	Errors    int             `json:"errors"`
	NotSent   int             `json:"not_sent,omitempty"` // open loop: no free connection under the cap
	Goodput   float64         `json:"goodput_rps"`
	RejectRPS float64         `json:"rejected_rps"`
	P50ms     float64         `json:"accepted_p50_ms"`
	P99ms     float64         `json:"accepted_p99_ms"`
}

func (r *round) finish() {
	r.Goodput = float64(len(r.accepted)) / r.Seconds
	r.RejectRPS = float64(r.Rejected) / r.Seconds
	r.P50ms, r.P99ms = pct(r.accepted, 50), pct(r.accepted, 99)
}

func (r *round) String() string {
	s := fmt.Sprintf("%-22s goodput %7.0f/s  rejected %7.0f/s  accepted p50 %7.2f ms  p99 %7.2f ms", r.Label, r.Goodput, r.RejectRPS, r.P50ms, r.P99ms)
	if r.Errors > 0 || r.NotSent > 0 {
		s += fmt.Sprintf("  errors %d  not sent %d", r.Errors, r.NotSent)
	}
	return s
}

// tally collects one connection's answers; merged into the round at the end.
type tally struct {
	accepted []time.Duration
	rejected int
	errors   int
}

func (r *round) add(t *tally) {
	r.accepted = append(r.accepted, t.accepted...)
	r.Rejected += t.rejected
	r.Errors += t.errors
}

// conn is one keep-alive connection sending a request and reading its answer.
type conn struct {
	c  net.Conn
	br *bufio.Reader
}

func (t target) dial() (*conn, error) {
	c, err := net.DialTimeout("tcp", t.addr, 2*time.Second)
	if err != nil {
		return nil, err
	}
	return &conn{c: c, br: bufio.NewReaderSize(c, 4096)}, nil
}

// do sends req and returns the answer's status; 0 and an error when the connection broke.
func (c *conn) do(req []byte) (int, error) {
	_ = c.c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.c.Write(req); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

func (t *tally) record(status int, err error, since time.Time) {
	switch {
	case err != nil:
		t.errors++
	case status >= 200 && status < 300:
		t.accepted = append(t.accepted, time.Since(since))
	case status == http.StatusServiceUnavailable:
		t.rejected++
	default:
		t.errors++
	}
}

// closedLoop is wrk's model: conns connections, each sending its next request as soon as the
// previous answer arrives, for d.
func closedLoop(t target, label string, conns int, d time.Duration) round {
	announce(fmt.Sprintf("%s %s, %s", t.name, label, d))
	r := round{Label: label, Conns: conns, Seconds: d.Seconds()}
	tallies := make([]tally, conns)
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Add(1)
		go func(tl *tally, n int) {
			defer wg.Done()
			var c *conn
			for time.Now().Before(deadline) {
				if c == nil {
					var err error
					if c, err = t.dial(); err != nil {
						tl.errors++
						time.Sleep(10 * time.Millisecond)
						continue
					}
				}
				start := time.Now()
				status, err := c.do(t.reqs[n%len(t.reqs)])
				n++
				tl.record(status, err, start)
				if err != nil {
					_ = c.c.Close()
					c = nil
				}
			}
			if c != nil {
				_ = c.c.Close()
			}
		}(&tallies[i], i)
	}
	wg.Wait()
	for i := range tallies {
		r.add(&tallies[i])
	}
	r.finish()
	return r
}

// openLoop sends rate requests a second for d whatever the answers' latency, as independent
// users do; latency is counted from when a request was due, so a slow server cannot hide its
// queue by slowing the generator down. A request finding no idle connection opens one, up to
// maxConns; beyond that it is counted as not sent.
func openLoop(t target, label string, rate float64, d time.Duration, maxConns int) round {
	announce(fmt.Sprintf("%s %s, %s", t.name, label, d))
	r := round{Label: label, Offered: rate, Seconds: d.Seconds()}
	type job struct {
		due time.Time
		req []byte
	}
	var (
		mu      sync.Mutex
		idle    = make(chan chan job, maxConns)
		open    atomic.Int64
		wg      sync.WaitGroup
		tallies []*tally
	)
	startConn := func(first job) {
		jobs := make(chan job, 1)
		jobs <- first
		tl := &tally{}
		mu.Lock()
		tallies = append(tallies, tl)
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := t.dial()
			if err != nil {
				tl.errors++
				open.Add(-1)
				return
			}
			defer func() { _ = c.c.Close() }()
			for j := range jobs {
				status, err := c.do(j.req)
				tl.record(status, err, j.due)
				if err != nil {
					_ = c.c.Close()
					if c, err = t.dial(); err != nil {
						open.Add(-1)
						return // counted; this connection takes no more jobs
					}
				}
				idle <- jobs
			}
		}()
	}

	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	deadline := start.Add(d)
	next, n := start, 0
	for next.Before(deadline) {
		// Sleep in 1 ms steps and send everything due: a timer per request cannot keep up with
		// tens of thousands a second.
		if wait := time.Until(next); wait > 0 {
			time.Sleep(max(wait, time.Millisecond))
		}
		now := time.Now()
		for ; !next.After(now) && next.Before(deadline); next = next.Add(interval) {
			j := job{due: next, req: t.reqs[n%len(t.reqs)]}
			n++
			select {
			case jobs := <-idle:
				jobs <- j
			default:
				if open.Load() >= int64(maxConns) {
					r.NotSent++
					continue
				}
				open.Add(1)
				startConn(j)
			}
		}
	}
	// Let the last answers arrive, then close every idle connection.
	for open.Load() > 0 {
		select {
		case jobs := <-idle:
			close(jobs)
			open.Add(-1)
		case <-time.After(100 * time.Millisecond): // a connection that broke leaves by itself
		}
	}
	wg.Wait()
	for _, tl := range tallies {
		r.add(tl)
	}
	r.Conns = len(tallies)
	r.finish()
	return r
}
