// relay.go publishes a service's outbox to JetStream: every row exactly once in effect (its event
// id is its Nats-Msg-Id, so a row published again after a lost acknowledgement is dropped by the
// stream), and the rows of one aggregate in the order they committed.

package events

import (
	"context"
	"fmt"
	"os"
	"time"

	"zeromall/pkg/metric"
	"zeromall/pkg/worker"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stringx"
	oteltrace "go.opentelemetry.io/otel/trace"
)

// RelayConfig is how a relay works: every Interval (and at once after a change queued an
// event) it leases Batch rows for Lease and publishes them, retrying a failed publish after a
// backoff that doubles from MinBackoff up to MaxBackoff, for ever: nothing committed is dropped.
// The outbox's backlog is sampled into metrics every StatsInterval.
type RelayConfig struct {
	Interval      time.Duration `json:",default=1s"`
	Batch         int           `json:",default=50,range=[1:500]"`
	Lease         time.Duration `json:",default=30s"`
	MinBackoff    time.Duration `json:",default=200ms"`
	MaxBackoff    time.Duration `json:",default=10s"`
	StatsInterval time.Duration `json:",default=5s"`
}

// Check says what would not run.
func (c RelayConfig) Check() error {
	if c.Interval <= 0 || c.MinBackoff <= 0 || c.MaxBackoff < c.MinBackoff || c.StatsInterval <= 0 {
		return fmt.Errorf("relay settings: Relay.Interval, Relay.StatsInterval and Relay.MinBackoff must be positive, Relay.MaxBackoff at least Relay.MinBackoff")
	}
	if c.Lease < 4*publishTimeout {
		return fmt.Errorf("Relay.Lease (%s) must be at least %s: a lease that ends while a publish is in flight lets another relay take the row", c.Lease, 4*publishTimeout)
	}
	return nil
}

// publishTimeout bounds one publish, broker acknowledgement included.
const publishTimeout = 3 * time.Second

// Outcomes of a publish attempt, the values of zeromall_outbox_events_total's event label.
const (
	outcomePublished = "delivered"
	outcomeRetried   = "retried"
	outcomeParked    = "parked"
)

var (
	outboxEvents = metric.CounterVec("outbox", "events_total",
		"Outbox publish attempts by outcome: delivered (the stream stored it), retried, parked.", "event")
	outboxPending = metric.Gauge("outbox", "pending", "Outbox events waiting to be published.")
	outboxParked  = metric.Gauge("outbox", "parked",
		"Outbox events that cannot be published (unreadable), waiting for an operator to replay them.")
	outboxOldestPending = metric.Gauge("outbox", "oldest_pending_seconds",
		"Age of the oldest pending outbox event (0 when none).")
)

func init() {
	for _, e := range []string{outcomePublished, outcomeRetried, outcomeParked} {
		outboxEvents.WithLabelValues(e) // every series exists from the start, at 0
	}
}

// Relay publishes one service's outbox.
type Relay struct {
	outbox  *Outbox
	bus     *Bus
	stream  Stream
	c       RelayConfig
	owner   string
	kick    chan struct{}
	started bool // the stream was declared
}

// NewRelay returns the relay of outbox to stream on bus; its owner name is unique per process.
func NewRelay(outbox *Outbox, bus *Bus, stream Stream, c RelayConfig) *Relay {
	host, _ := os.Hostname()
	return &Relay{
		outbox: outbox, bus: bus, stream: stream, c: c,
		owner: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), stringx.Randn(8)),
		kick:  make(chan struct{}, 1),
	}
}

// Queued tells the relay a committed change queued an event, so it runs at once instead of at
// its next tick.
func (r *Relay) Queued() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Start runs the relay every Interval and when kicked, draining while full batches come back.
// Every instance of the service runs one. Stop the returned loop on shutdown: it ends after the
// row in flight.
func (r *Relay) Start() *worker.Loop {
	return worker.Start(r.c.Interval, r.kick, func(ctx context.Context, stop <-chan struct{}) {
		for r.PublishDue(ctx) == r.c.Batch {
			select {
			case <-stop:
				return
			default:
			}
		}
	})
}

// StartStats samples the outbox's backlog into the metrics every StatsInterval; every instance
// reports the same shared table, so dashboards take max(), not sum().
func (r *Relay) StartStats() *worker.Loop {
	return worker.Start(r.c.StatsInterval, nil, func(ctx context.Context, _ <-chan struct{}) {
		st, err := r.outbox.Stats(ctx)
		if err != nil {
			logx.WithContext(ctx).Errorf("outbox stats: %v", err)
			return
		}
		outboxPending.Set(float64(st.Pending))
		outboxParked.Set(float64(st.Parked))
		outboxOldestPending.Set(st.OldestPendingAge.Seconds())
	})
}

// PublishDue leases due rows and publishes them one by one with no transaction open, recording
// each outcome while the lease holds; it returns how many it leased. Rows left when half the
// lease is spent are released for the next round.
func (r *Relay) PublishDue(ctx context.Context) int {
	logger := logx.WithContext(ctx)
	if !r.started {
		dctx, cancel := context.WithTimeout(ctx, publishTimeout)
		err := r.bus.Declare(dctx, r.stream)
		cancel()
		if err != nil {
			logger.Errorf("outbox relay: %v", err)
			return 0
		}
		r.started = true
	}
	started := time.Now()
	rows, err := r.outbox.ClaimDue(ctx, r.owner, r.c.Lease, r.c.Batch)
	if err != nil {
		logger.Errorf("outbox relay: %v", err)
		return 0
	}
	for i, row := range rows {
		if time.Since(started) > r.c.Lease/2 {
			rest := make([]int64, 0, len(rows)-i)
			for _, left := range rows[i:] {
				rest = append(rest, left.ID)
			}
			if err := r.outbox.Release(ctx, r.owner, rest); err != nil {
				logger.Errorf("outbox relay: release %d leases: %v", len(rest), err)
			}
			break
		}
		r.publishOne(ctx, row)
	}
	return len(rows)
}

// publishOne publishes one leased row and records the outcome.
func (r *Relay) publishOne(ctx context.Context, row *Row) {
	var (
		held bool
		err  error
	)
	ev, perr := Decode([]byte(row.Payload))
	if perr != nil {
		logx.WithContext(ctx).Errorf("outbox %d (%s of %s) is unreadable, parked: %v", row.ID, row.Topic, row.Aggregate, perr)
		held, err = r.outbox.Park(ctx, row.ID, r.owner, perr.Error())
		outboxEvents.WithLabelValues(outcomeParked).Inc()
	} else {
		var span oteltrace.Span
		ctx, span = startPublish(ctx, row, ev)
		pctx, cancel := context.WithTimeout(ctx, publishTimeout)
		_, perr = r.bus.Publish(pctx, row.Topic, row.EventID, []byte(row.Payload))
		cancel()
		endSpan(span, perr)
		if perr == nil {
			held, err = r.outbox.Delivered(ctx, row.ID, r.owner)
			outboxEvents.WithLabelValues(outcomePublished).Inc()
		} else {
			after := backoff(r.c.MinBackoff, r.c.MaxBackoff, row.Attempts)
			logx.WithContext(ctx).Infof("outbox %d (%s of %s) not published, retry in %s: %v", row.ID, row.Topic, row.Aggregate, after, perr)
			held, err = r.outbox.RetryLater(ctx, row.ID, r.owner, after, perr.Error())
			outboxEvents.WithLabelValues(outcomeRetried).Inc()
		}
	}
	switch {
	case err != nil:
		// The lease ends on its own and the row is published again: the stream drops the copy.
		logx.WithContext(ctx).Errorf("outbox %d: record outcome: %v", row.ID, err)
	case !held:
		logx.WithContext(ctx).Infof("outbox %d: lease lost before the outcome was recorded; another relay publishes it", row.ID)
	}
}

// backoff is min doubled once per earlier attempt, at most max.
func backoff(lo, hi time.Duration, attempts int64) time.Duration {
	d := lo
	for i := int64(0); i < attempts && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}
