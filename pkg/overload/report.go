package overload

import (
	"sync"
	"sync/atomic"
	"time"

	"zeromall/pkg/metric"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/zeromicro/go-zero/core/logx"
)

// summaryEvery is how often a lane that rejected anything writes its one summary line.
const summaryEvery = 10 * time.Second

var (
	admittedTotal = metric.CounterVec("overload", "admitted_total", "Requests a lane admitted.", "lane")
	rejectedTotal = metric.CounterVec("overload", "rejected_total",
		"Requests a lane rejected (503 / ResourceExhausted), by reason: queue_full, waited, breaker.", "lane", "reason")
	limitGauge = metric.GaugeVec("overload", "limit",
		"A lane's adaptive concurrency limit, sampled every summary interval.", "lane")
)

// laneStat counts a lane's answers: Prometheus counters resolved once (a rejection costs an
// atomic add, not a label lookup) and the rejections since the last summary.
type laneStat struct {
	admitted prometheus.Counter
	rejected map[string]prometheus.Counter
	recent   map[string]*atomic.Int64
}

func (s *laneStat) reject(reason string) {
	s.rejected[reason].Inc()
	s.recent[reason].Add(1)
}

var registry struct {
	sync.Mutex
	lanes   []*Lane
	started bool
}

func register(name string) *laneStat {
	s := &laneStat{admitted: admittedTotal.WithLabelValues(name),
		rejected: map[string]prometheus.Counter{}, recent: map[string]*atomic.Int64{}}
	for _, r := range []string{ReasonQueueFull, ReasonWaited, ReasonBreaker} {
		s.rejected[r] = rejectedTotal.WithLabelValues(name, r)
		s.recent[r] = new(atomic.Int64)
	}
	return s
}

// track adds a lane to the periodic summary, starting it with the first lane.
func track(l *Lane) {
	registry.Lock()
	defer registry.Unlock()
	registry.lanes = append(registry.lanes, l)
	if !registry.started {
		registry.started = true
		go func() {
			for range time.Tick(summaryEvery) {
				summarize()
			}
		}()
	}
}

// summarize writes one line per lane that rejected requests since the last call.
func summarize() {
	registry.Lock()
	lanes := append([]*Lane(nil), registry.lanes...)
	registry.Unlock()
	for _, l := range lanes {
		snap := l.Snapshot()
		limitGauge.WithLabelValues(l.name).Set(float64(snap.Limit))
		full := l.stat.recent[ReasonQueueFull].Swap(0)
		waited := l.stat.recent[ReasonWaited].Swap(0)
		broken := l.stat.recent[ReasonBreaker].Swap(0)
		if full+waited+broken == 0 {
			continue
		}
		logx.Errorf("overload: %s rejected %d requests in %s (queue full %d, waited too long %d, breaker open %d); limit %d, in flight %d, waiting %d",
			l.name, full+waited+broken, summaryEvery, full, waited, broken, snap.Limit, snap.InFlight, snap.Waiting)
	}
}
