package overload

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Why a request was turned away; the values are the reason label of the rejected counter.
const (
	ReasonQueueFull = "queue_full" // no slot, and the waiting room was full (or disabled)
	ReasonWaited    = "waited"     // no slot within MaxWait, or the caller left while waiting
	ReasonBreaker   = "breaker"    // the route's breaker is open (HTTP gate only)
)

// A Lane admits the requests of one route or method within its adaptive concurrency limit.
type Lane struct {
	name string
	cfg  Config
	stat *laneStat

	mu       sync.Mutex
	lim      *limiter
	inFlight int
	waiters  list.List     // of *waiter, oldest at the front
	service  time.Duration // moving average of the admitted requests' service time

	// Waiters evicted from a full room in the current window, and until when the room is closed.
	roomSince   time.Time
	evicted     int
	closedUntil time.Time
}

// roomClosed is how long a waiting room that overflowed stays closed. The room is for closed-loop
// clients (a fixed number of connections, each resending as soon as it is answered), whose
// number is bounded; a room that overflows is facing an open-loop overload, where waiting only
// delays the 503 and costs a timer and two wake-ups per request — at 8× overload that cut what
// the lane still served by more than half.
const roomClosed = time.Second

type waiter struct {
	since   time.Time
	ready   chan struct{} // closed when granted, evicted or dropped as stale
	granted bool
	stale   bool          // dropped from the head: it had waited half its wait
	elem    *list.Element // nil once out of the list
}

// NewLane builds a lane and registers its metrics and summary log under name.
func NewLane(name string, c Config) *Lane {
	c = c.withDefaults()
	l := &Lane{name: name, cfg: c, stat: register(name), lim: newLimiter(c, time.Now())}
	track(l)
	return l
}

// Acquire waits for a slot and reports whether the request may go on; if it may, the caller
// must call Release with the time Acquire returned once the request is answered. A rejection
// is counted (the only work it costs) and logged only in the lane's periodic summary.
func (l *Lane) Acquire(ctx context.Context) (time.Time, bool) {
	l.mu.Lock()
	if l.inFlight < l.lim.Limit() && l.waiters.Len() == 0 {
		l.inFlight++
		l.mu.Unlock()
		l.stat.admitted.Inc()
		return time.Now(), true
	}
	l.lim.binding = true
	now := time.Now()
	if l.cfg.MaxWait <= 0 || l.cfg.MaxQueue <= 0 || !l.roomOpen(now) {
		l.mu.Unlock()
		l.stat.reject(ReasonQueueFull)
		return time.Time{}, false
	}
	if l.waiters.Len() >= l.cfg.MaxQueue {
		oldest := l.waiters.Front().Value.(*waiter)
		l.remove(oldest)
		close(oldest.ready) // not granted: it reports queue_full itself
		l.evicted++
	}
	w := &waiter{since: now, ready: make(chan struct{})}
	w.elem = l.waiters.PushBack(w)
	l.mu.Unlock()

	granted, evicted := l.await(ctx, w)
	switch {
	case granted:
		l.stat.admitted.Inc()
		return time.Now(), true
	case evicted:
		l.stat.reject(ReasonQueueFull)
	default:
		l.stat.reject(ReasonWaited)
	}
	return time.Time{}, false
}

// await parks w until it is granted a slot, evicted, out of time or given up on by its caller.
// Its time runs out at l.wait() after it arrived, as that stands when the timer fires: a lane
// that has just learned its answers are slow extends the wait of those already parked.
func (l *Lane) await(ctx context.Context, w *waiter) (granted, evicted bool) {
	l.mu.Lock()
	timer := time.NewTimer(l.wait())
	l.mu.Unlock()
	defer timer.Stop()
	for {
		select {
		case <-w.ready:
		case <-ctx.Done():
		case <-timer.C:
			l.mu.Lock()
			left := time.Until(w.since.Add(l.wait()))
			l.mu.Unlock()
			if left > 0 {
				timer.Reset(left)
				continue
			}
		}
		break
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	granted, evicted = w.granted, w.elem == nil && !w.granted && !w.stale
	if w.elem != nil {
		l.remove(w)
	}
	return granted, evicted
}

// Release ends a request admitted at start: its service time feeds the limit and the wait, and
// its slot goes to the oldest waiter that has waited less than half its wait. Older ones at the
// head are answered now (stale): a queue that old is growing faster than it drains, and what it
// would serve next has mostly been given up on. That keeps an overload's accepted latency to
// half the wait, while a closed-loop queue that drains at the lane's pace is served in order:
// N clients over a limit L wait about (N−L)/L service times, at most ⌈(N−L)/L⌉, which is under
// half the wait of four while N is below three times the limit. (Before issue 47 the lanes
// served the newest waiter once the oldest had waited 20 ms: in a closed loop there is always a
// newer request, so the oldest starved past the wait, and after one late answer that kept
// itself going as a stream of 503s.)
func (l *Lane) Release(start time.Time) {
	now := time.Now()
	took := now.Sub(start)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lim.observe(now, took)
	if l.service == 0 {
		l.service = took
	} else {
		l.service += (took - l.service) / serviceSmoothing
	}
	l.inFlight--
	stale := l.wait() / 2
	for l.inFlight < l.lim.Limit() && l.waiters.Len() > 0 {
		w := l.waiters.Front().Value.(*waiter)
		l.remove(w)
		if now.Sub(w.since) >= stale {
			w.stale = true
		} else {
			w.granted = true
			l.inFlight++
		}
		close(w.ready)
	}
}

// serviceSmoothing is how many answers the service time average spans, roughly.
const serviceSmoothing = 16

// wait is how long a request may wait for a slot now: WaitServiceTimes of the lane's service
// time, within [MinWait, MaxWait]. Call it with l.mu held.
func (l *Lane) wait() time.Duration {
	w := time.Duration(l.cfg.WaitServiceTimes * float64(l.service))
	return min(max(w, l.cfg.MinWait), l.cfg.MaxWait)
}

// roomOpen reviews the waiting room once a window and reports whether requests may wait.
func (l *Lane) roomOpen(now time.Time) bool {
	if now.Sub(l.roomSince) >= window {
		l.roomSince, l.evicted = now, 0
	}
	if l.evicted >= minSamples {
		l.closedUntil, l.evicted = now.Add(roomClosed), 0
	}
	return !now.Before(l.closedUntil)
}

func (l *Lane) remove(w *waiter) {
	l.waiters.Remove(w.elem)
	w.elem = nil
}

// Snapshot is a lane's state, for tests and the summary line.
type Snapshot struct {
	Limit, InFlight, Waiting int
}

// Snapshot returns the lane's current state.
func (l *Lane) Snapshot() Snapshot {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Snapshot{Limit: l.lim.Limit(), InFlight: l.inFlight, Waiting: l.waiters.Len()}
}
