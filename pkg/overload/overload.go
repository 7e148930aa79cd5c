// Package overload keeps a saturated process doing useful work. Every lane — a gateway route or
// an rpc method — admits as many requests at once as its adaptive limit allows, lets the rest
// wait in arrival order for a few of its service times (answering those that have waited half
// of it when a slot frees) and answers the others at the cost of a counter: no log line per rejection,
// one summary line per lane per interval and Prometheus counters instead.
//
// It replaces go-zero's adaptive shedder, which decides on the whole machine's CPU: on a box
// shared with other processes that signal stays high whatever the service does, and the shedder
// logged a line per dropped request, so rejections kept the CPU hot and goodput collapsed
// (doc/resilience.md, "Overload").
//
// breakerstat.go counts the calls open go-zero breakers refuse, for the "breaker open" alert.
package overload

import (
	"time"

	"github.com/zeromicro/go-zero/core/service"
)

// Config tunes every lane of a process. The defaults suit both the CPU-bound read paths and the
// MySQL-bound write paths; doc/resilience.md explains each.
type Config struct {
	// Disabled turns admission off (go-zero's dev and test modes do too); breakers stay on.
	Disabled bool `json:",optional"`
	// InitialLimit is a lane's concurrency limit before it has measured anything.
	InitialLimit int `json:",default=32"`
	// MinLimit and MaxLimit bound the adaptive limit.
	MinLimit int `json:",default=16"`
	MaxLimit int `json:",default=512"`
	// Tolerance is how much slower than the fastest recent window (probed at MinLimit) a window
	// may be before the limit shrinks: beyond it requests are queueing, not being served.
	Tolerance float64 `json:",default=1.5"`
	// A request over the limit may wait for a slot WaitServiceTimes of the lane's recent service
	// times, at least MinWait and at most MaxWait; then it is rejected. A queue of closed-loop
	// clients on a slow lane (a write behind a lock) waits about one service time per round, so
	// a wait sized from the service time serves it where a fixed one would turn it away.
	MinWait          time.Duration `json:",default=50ms"`
	WaitServiceTimes float64       `json:",default=4"`
	MaxWait          time.Duration `json:",default=500ms"`
	// MaxQueue bounds the waiters per lane; beyond it the oldest is rejected at once.
	MaxQueue int `json:",default=1024"`
}

// Enabled reports whether admission runs for a process in go-zero's mode: like go-zero's own
// shedding, not in dev, test or regression-test mode.
func (c Config) Enabled(mode string) bool {
	switch mode {
	case service.DevMode, service.TestMode, service.RtMode:
		return false
	}
	return !c.Disabled
}

// withDefaults fills the fields left at zero with DefaultConfig's: a Config built as a Go
// literal (not loaded from YAML, which applies the tags' defaults) would otherwise admit one
// request at a time and reject the rest at once.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.InitialLimit <= 0 {
		c.InitialLimit = d.InitialLimit
	}
	if c.MinLimit <= 0 {
		c.MinLimit = d.MinLimit
	}
	if c.MaxLimit <= 0 {
		c.MaxLimit = d.MaxLimit
	}
	if c.Tolerance <= 0 {
		c.Tolerance = d.Tolerance
	}
	if c.MaxWait == 0 && c.MaxQueue == 0 { // both zero: not chosen; MaxWait: 0s alone means no waiting
		c.MinWait, c.WaitServiceTimes, c.MaxWait, c.MaxQueue = d.MinWait, d.WaitServiceTimes, d.MaxWait, d.MaxQueue
	}
	return c
}

// DefaultConfig is Config with its defaults, for code that builds lanes without a YAML.
func DefaultConfig() Config {
	return Config{InitialLimit: 32, MinLimit: 16, MaxLimit: 512, Tolerance: 1.5,
		MinWait: 50 * time.Millisecond, WaitServiceTimes: 4, MaxWait: 500 * time.Millisecond, MaxQueue: 1024}
}
