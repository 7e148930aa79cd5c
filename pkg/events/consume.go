// consume.go runs a service's durable consumers: each event is handled, then acknowledged only
// after the handler's transaction committed; a failure is redelivered after a backoff, and an
// event that fails MaxDeliver times (or can never succeed) goes to the dead-letter stream, where
// an operator sees and replays it (make events).

package events

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"zeromall/pkg/metric"
	"zeromall/pkg/store"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/zeromicro/go-zero/core/logx"
)

// ConsumerConfig is how one consumer retries. MaxDeliver counts every delivery, the first too.
type ConsumerConfig struct {
	MaxDeliver int           `json:",default=10,range=[1:1000]"`
	MinBackoff time.Duration `json:",default=500ms"`
	MaxBackoff time.Duration `json:",default=30s"`
	// AckWait is how long a delivery may go unanswered before the broker hands the event to
	// another instance (the one it went to may have died): a handler is given half of it.
	AckWait time.Duration `json:",default=10s"`
}

// Check says what would not run.
func (c ConsumerConfig) Check() error {
	if c.MinBackoff <= 0 || c.MaxBackoff < c.MinBackoff || c.AckWait < time.Second {
		return errors.New("consumer settings: MinBackoff must be positive, MaxBackoff at least MinBackoff, AckWait at least 1s")
	}
	return nil
}

// A Handler applies one event. It returns nil once the event's effect has committed (or it had
// been applied before: handlers are idempotent, see Inbox), an error to have it redelivered, or
// Permanent(err) when no retry can help. Two errors are retried for as long as they last and make
// no dead letters: one that says the service's database could not be reached (store.IsUnavailable)
// and NotYet(err), an event that came before the one it follows. Any other error is, after
// MaxDeliver deliveries.
type Handler func(ctx context.Context, ev *Event) error

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as one that no redelivery can cure: the event goes to the dead letters at
// once.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err, or an error it wraps, was marked Permanent.
func IsPermanent(err error) bool {
	var perm permanentError
	return errors.As(err, &perm)
}

type notYetError struct{ err error }

func (e notYetError) Error() string { return e.err.Error() }
func (e notYetError) Unwrap() error { return e.err }

// NotYet marks err as an event that arrived before the one it follows (a refund handled before
// its payment's success, which a dead instance still held): it is redelivered, MaxBackoff apart at
// most, until its predecessor has been applied, and never dead-lettered, since that would drop an
// effect the predecessor's arrival is about to make due. If the predecessor itself went to the
// dead letters, replaying it (make events) lets this one through.
func NotYet(err error) error { return notYetError{err} }

// IsNotYet reports whether err, or an error it wraps, was marked NotYet.
func IsNotYet(err error) bool {
	var later notYetError
	return errors.As(err, &later)
}

// Results of handling a delivery, the values of zeromall_events_consumed_total's result label.
const (
	resultApplied = "applied"
	resultRetried = "retried"
	resultDead    = "dead_lettered"
)

var (
	consumed = metric.CounterVec("events", "consumed_total",
		"Deliveries of events to a consumer, by consumer and result: applied, retried, dead_lettered.", "consumer", "result")
	consumerPending = metric.GaugeVec("events", "consumer_pending",
		"Events of a consumer's stream not yet acknowledged by it (waiting plus in flight): its lag.", "consumer")
	consumerRedelivered = metric.GaugeVec("events", "consumer_redelivered",
		"Events a consumer has in flight that were delivered more than once.", "consumer")
)

// pullBatch is how many events an instance holds at most before handling them.
const pullBatch = 4

// DeadLetterSubject is where a consumer's dead letters go.
func DeadLetterSubject(consumer string) string { return "deadletter." + consumer }

// Headers of a dead letter: what it was and why it died.
const (
	HeaderSubject    = "Zeromall-Subject"
	HeaderError      = "Zeromall-Error"
	HeaderDeliveries = "Zeromall-Deliveries"
	HeaderConsumer   = "Zeromall-Consumer"
)

// Consumer is one durable consumer, running.
type Consumer struct {
	name    string
	bus     *Bus
	stream  Stream
	subject string
	c       ConsumerConfig
	handle  Handler
	stop    chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	info    jetstream.Consumer
}

// Consume starts the durable consumer name of the events on subject (a filter inside stream) and
// keeps it running: through a broker that is down at start, restarts, or loses the consumer.
// Every instance of a service runs it under the same name, so each event goes to one of them.
// Stop it on shutdown: it ends after the event in hand.
func (b *Bus) Consume(name string, stream Stream, subject string, c ConsumerConfig, h Handler) *Consumer {
	cs := &Consumer{name: name, bus: b, stream: stream, subject: subject, c: c, handle: h,
		stop: make(chan struct{}), done: make(chan struct{})}
	for _, r := range []string{resultApplied, resultRetried, resultDead} {
		consumed.WithLabelValues(name, r)
	}
	go cs.run()
	return cs
}

// Stop stops consuming; events in hand are finished first, the rest stay on the stream.
func (cs *Consumer) Stop() {
	close(cs.stop)
	<-cs.done
}

// run sets the consumer up and consumes until stopped, setting it up again when it is lost.
func (cs *Consumer) run() {
	defer close(cs.done)
	logger := logx.WithContext(context.Background())
	for attempt := int64(0); ; attempt++ {
		lost := make(chan struct{})
		cc, err := cs.start(lost)
		if err == nil {
			attempt = 0
			select {
			case <-cs.stop:
				cc.Drain()
				<-cc.Closed()
				return
			case <-lost:
				cc.Stop()
				logger.Infof("consumer %s: lost, setting it up again", cs.name)
			}
		} else {
			logger.Infof("consumer %s: %v", cs.name, err)
		}
		select {
		case <-cs.stop:
			return
		case <-time.After(backoff(250*time.Millisecond, 5*time.Second, attempt)):
		}
	}
}

// start declares the streams and the durable consumer and begins consuming; lost is closed
// when the broker says the consumer is gone.
func (cs *Consumer) start(lost chan struct{}) (jetstream.ConsumeContext, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := cs.bus.Declare(ctx, cs.stream, DeadLetters); err != nil {
		return nil, err
	}
	cons, err := cs.bus.js.CreateOrUpdateConsumer(ctx, cs.stream.Name, jetstream.ConsumerConfig{
		Durable:       cs.name,
		FilterSubject: cs.subject,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cs.c.AckWait,
		MaxDeliver:    -1, // the consumer dead-letters after MaxDeliver; the broker never drops one silently
		DeliverPolicy: jetstream.DeliverAllPolicy,
		Replicas:      0, // as the stream
	})
	if err != nil {
		return nil, fmt.Errorf("consumer %s on %s: %w", cs.name, cs.stream.Name, err)
	}
	cs.mu.Lock()
	cs.info = cons
	cs.mu.Unlock()
	var once sync.Once
	return cons.Consume(cs.deliver,
		// Few events in hand at once: those of an instance that dies wait AckWait for another.
		jetstream.PullMaxMessages(pullBatch),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			if errors.Is(err, jetstream.ErrConsumerDeleted) || errors.Is(err, jetstream.ErrConsumerNotFound) {
				once.Do(func() { close(lost) })
			}
		}))
}

// deliver handles one delivery: applies it, then acknowledges, redelivers later or dead-letters.
func (cs *Consumer) deliver(msg jetstream.Msg) {
	meta, err := msg.Metadata()
	if err != nil {
		_ = msg.Term()
		return
	}
	ev, err := Decode(msg.Data())
	if err != nil {
		ev, err = &Event{}, Permanent(err)
	}
	sctx, span := startProcess(msg.Headers(), cs.name, msg.Subject(), ev, meta.NumDelivered)
	defer func() { endSpan(span, err) }()
	if err == nil {
		ctx, cancel := context.WithTimeout(sctx, cs.c.AckWait/2)
		err = cs.handle(ctx, ev)
		cancel()
	}
	logger := logx.WithContext(sctx)
	switch {
	case err == nil:
		if aerr := msg.DoubleAck(context.Background()); aerr != nil {
			// Not acknowledged: it comes again after AckWait, and the handler's inbox skips it.
			logger.Infof("consumer %s: ack %s: %v", cs.name, ev.GetId(), aerr)
		}
		consumed.WithLabelValues(cs.name, resultApplied).Inc()
	case IsPermanent(err) || (deliveries(meta) >= cs.c.MaxDeliver && !store.IsUnavailable(err) && !IsNotYet(err)):
		if derr := cs.deadLetter(msg, meta, err); derr != nil {
			logger.Errorf("consumer %s: dead-letter %s: %v; redelivered later", cs.name, msg.Subject(), derr)
			_ = msg.NakWithDelay(cs.c.MaxBackoff)
			return
		}
		_ = msg.Term()
		consumed.WithLabelValues(cs.name, resultDead).Inc()
		logger.Errorf("consumer %s: %s %s dead-lettered after %d deliveries: %v", cs.name, msg.Subject(), ev.GetId(), meta.NumDelivered, err)
	default:
		after := backoff(cs.c.MinBackoff, cs.c.MaxBackoff, int64(deliveries(meta))-1)
		_ = msg.NakWithDelay(after)
		consumed.WithLabelValues(cs.name, resultRetried).Inc()
		logger.Infof("consumer %s: %s %s failed (delivery %d), again in %s: %v", cs.name, msg.Subject(), ev.GetId(), meta.NumDelivered, after, err)
	}
}

// deadLetter copies a delivery to the consumer's dead-letter subject with why it died.
func (cs *Consumer) deadLetter(msg jetstream.Msg, meta *jetstream.MsgMetadata, cause error) error {
	dl := nats.NewMsg(DeadLetterSubject(cs.name))
	dl.Data = msg.Data()
	dl.Header.Set(HeaderSubject, msg.Subject())
	dl.Header.Set(HeaderConsumer, cs.name)
	dl.Header.Set(HeaderError, store.Truncate(cause.Error(), 512))
	dl.Header.Set(HeaderDeliveries, strconv.FormatUint(meta.NumDelivered, 10))
	ctx, cancel := context.WithTimeout(context.Background(), publishTimeout)
	defer cancel()
	id := fmt.Sprintf("dl-%s-%s-%d", cs.name, meta.Stream, meta.Sequence.Stream)
	_, err := cs.bus.js.PublishMsg(ctx, dl, jetstream.WithMsgID(id))
	return err
}

// deliveries is how many times the broker has delivered msg, this time included.
func deliveries(meta *jetstream.MsgMetadata) int {
	return int(min(meta.NumDelivered, 1<<30)) //nolint:gosec // capped just above, far below MaxInt
}

// Lag is how many events of its stream a consumer has not acknowledged: waiting plus in flight.
func Lag(info *jetstream.ConsumerInfo) uint64 {
	return info.NumPending + uint64(max(info.NumAckPending, 0)) //nolint:gosec // not negative, as just made sure
}

// Observe samples the consumer's lag into the metrics; false while it is not set up.
func (cs *Consumer) Observe(ctx context.Context) bool {
	cs.mu.Lock()
	cons := cs.info
	cs.mu.Unlock()
	if cons == nil {
		return false
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return false
	}
	consumerPending.WithLabelValues(cs.name).Set(float64(Lag(info)))
	consumerRedelivered.WithLabelValues(cs.name).Set(float64(info.NumRedelivered))
	return true
}
