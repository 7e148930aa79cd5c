// service.go is one service's part in the bus, as its config describes it: the connection, the
// outbox and relay of a producer, the inbox of a consumer, and the background loops they need.

package events

import (
	"context"
	"errors"
	"time"

	"zeromall/pkg/confx"
	"zeromall/pkg/store"
	"zeromall/pkg/worker"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// ServiceConfig is the Events section of a service's config.
type ServiceConfig struct {
	Broker   Config
	Relay    RelayConfig
	Consumer ConsumerConfig
	// Retention: published outbox rows are deleted Outbox.Keep after publishing; inbox records
	// Inbox.Keep after they were made, which must be longer than the streams keep events.
	Retention struct {
		Outbox store.RetentionConfig
		Inbox  store.RetentionConfig
	}
}

// streamsKeep is how long the streams keep an event (streamConfig).
const streamsKeep = 7 * 24 * time.Hour

// Check reports everything env refuses in c, and what would not run.
func (c ServiceConfig) Check(env confx.Env) error {
	var inbox error
	if c.Retention.Inbox.Keep <= streamsKeep {
		inbox = errors.New("Events.Retention.Inbox.Keep must be longer than the streams keep events (168h): an event redelivered after its inbox record was purged would be applied twice")
	}
	return errors.Join(c.Broker.Check(env), c.Relay.Check(), c.Consumer.Check(),
		c.Retention.Outbox.Check("Outbox"), c.Retention.Inbox.Check("Inbox"), inbox)
}

// Service is a service's part in the bus.
type Service struct {
	Bus    *Bus
	Outbox *Outbox
	Relay  *Relay
	Inbox  *Inbox
	c      ServiceConfig
}

// NewService connects the service name, whose database is db and whose events go to stream, to
// the bus.
func NewService(c ServiceConfig, name string, stream Stream, db sqlx.SqlConn) (*Service, error) {
	bus, err := Connect(c.Broker, name)
	if err != nil {
		return nil, err
	}
	outbox := NewOutbox(db)
	return &Service{Bus: bus, Outbox: outbox, Relay: NewRelay(outbox, bus, stream, c.Relay), Inbox: NewInbox(db), c: c}, nil
}

// MustNewService is NewService for main functions.
func MustNewService(c ServiceConfig, name string, stream Stream, db sqlx.SqlConn) *Service {
	s, err := NewService(c, name, stream, db)
	if err != nil {
		panic(err)
	}
	return s
}

// Consume starts the service's durable consumer name of subject in stream (Bus.Consume).
func (s *Service) Consume(name string, stream Stream, subject string, h Handler) *Consumer {
	return s.Bus.Consume(name, stream, subject, s.c.Consumer, h)
}

// Loops starts what runs in the background for a producer with these consumers: the relay, the
// outbox and consumer metrics, and the outbox and inbox retention; with the consumers, they are
// what the service stops at shutdown.
func (s *Service) Loops(consumers ...*Consumer) []interface{ Stop() } {
	loops := []interface{ Stop() }{
		s.Relay.Start(),
		s.Relay.StartStats(),
		store.StartRetention("outbox", s.c.Retention.Outbox, s.Outbox.PurgeDeliveredBefore),
		store.StartRetention("inbox", s.c.Retention.Inbox, s.Inbox.PurgeBefore),
		ObserveConsumers(s.c.Relay.StatsInterval, consumers...),
	}
	for _, c := range consumers {
		loops = append(loops, c)
	}
	return loops
}

// ObserveConsumers samples the consumers' lag into the metrics every interval.
func ObserveConsumers(interval time.Duration, consumers ...*Consumer) *worker.Loop {
	return worker.Start(interval, nil, func(round context.Context, _ <-chan struct{}) {
		for _, c := range consumers {
			ctx, cancel := context.WithTimeout(round, interval)
			c.Observe(ctx)
			cancel()
		}
	})
}

// Kit is what a domain uses of the bus inside its transactions: the outbox it queues events in,
// the inbox that applies each consumed event once, and the relay to tell after a commit.
type Kit struct {
	Outbox *Outbox
	Inbox  *Inbox
	Relay  interface{ Queued() } // nil: the relay finds the rows at its next tick
}

// Kit is the service's Kit.
func (s *Service) Kit() Kit {
	return Kit{Outbox: s.Outbox, Inbox: s.Inbox, Relay: s.Relay}
}

// Queued tells the relay, if any, that a committed change queued an event.
func (k Kit) Queued() {
	if k.Relay != nil {
		k.Relay.Queued()
	}
}
