// bus.go connects a service to the broker and declares the streams.

package events

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"zeromall/pkg/confx"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel"
)

// Config is where the broker is and how a service logs in to it.
type Config struct {
	// URL is one or more nats://host:port, comma-separated (every node of a cluster).
	URL      string
	User     string `json:",optional"`
	Password string `json:",optional"`
	// Replicas is how many nodes keep each stream: 1 on one server, 3 on a three-node cluster.
	Replicas int `json:",default=1,range=[1:5]"`
}

// minPassword is the shortest broker password production accepts.
const minPassword = 16

// Check refuses, in production, a broker without a user and password: the streams decide which
// orders become paid.
func (c Config) Check(env confx.Env) error {
	if strings.TrimSpace(c.URL) == "" {
		return errors.New("Events.Broker.URL (NATS_URL) is empty: every service needs the broker")
	}
	if env != confx.Production {
		return nil
	}
	if c.User == "" {
		return fmt.Errorf("Events.Broker.User (NATS_USER) is empty: the broker needs credentials when %s=production", confx.EnvVar)
	}
	return env.Secret("NATS_PASSWORD", c.Password, minPassword)
}

// Bus is a service's connection to JetStream.
type Bus struct {
	nc       *nats.Conn
	js       jetstream.JetStream
	replicas int
}

// Connect connects to the broker as name. A broker that is down is no error: the connection is
// retried in the background for ever, and publishing and consuming wait for it (the outbox
// keeps what is not yet published).
func Connect(c Config, name string) (*Bus, error) {
	opts := []nats.Option{
		nats.Name(name),
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.ReconnectJitter(250*time.Millisecond, time.Second),
		nats.Timeout(2 * time.Second),
	}
	if c.User != "" {
		opts = append(opts, nats.UserInfo(c.User, c.Password))
	}
	nc, err := nats.Connect(c.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to the broker at %s: %w", c.URL, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	return &Bus{nc: nc, js: js, replicas: max(c.Replicas, 1)}, nil
}

// MustConnect is Connect for main functions.
func MustConnect(c Config, name string) *Bus {
	b, err := Connect(c, name)
	if err != nil {
		panic(err)
	}
	return b
}

// JetStream is the bus's JetStream context, for operators' tools and tests.
func (b *Bus) JetStream() jetstream.JetStream { return b.js }

// Connected reports whether the connection is up.
func (b *Bus) Connected() bool { return b.nc.IsConnected() }

// Close drains the connection: what was published is flushed first.
func (b *Bus) Close() {
	_ = b.nc.Drain()
}

// streamConfig is how every stream is kept: on disk, replicated, events kept a week (a new
// consumer can start from a week back) and a relay's retry of one outbox row within
// two minutes deduplicated by its message id.
func (b *Bus) streamConfig(s Stream) jetstream.StreamConfig {
	keep := 7 * 24 * time.Hour
	if s == DeadLetters {
		keep = 30 * 24 * time.Hour
	}
	return jetstream.StreamConfig{
		Name:       s.Name,
		Subjects:   []string{s.Subjects},
		Storage:    jetstream.FileStorage,
		Replicas:   b.replicas,
		MaxAge:     keep,
		Duplicates: 2 * time.Minute,
	}
}

// Declare creates the streams, or updates them to this config; every producer and consumer
// declares the streams it uses before the first use, so no start order is needed.
func (b *Bus) Declare(ctx context.Context, streams ...Stream) error {
	for _, s := range streams {
		if _, err := b.js.CreateOrUpdateStream(ctx, b.streamConfig(s)); err != nil {
			return fmt.Errorf("declare stream %s: %w", s.Name, err)
		}
	}
	return nil
}

// Publish publishes payload (an encoded event) on subject with msgID as its Nats-Msg-Id and ctx's
// trace context in its headers, and returns once the stream has stored it; duplicate reports that
// the stream had it already.
func (b *Bus) Publish(ctx context.Context, subject, msgID string, payload []byte) (duplicate bool, err error) {
	msg := nats.NewMsg(subject)
	msg.Data = payload
	otel.GetTextMapPropagator().Inject(ctx, headerCarrier(msg.Header))
	ack, err := b.js.PublishMsg(ctx, msg, jetstream.WithMsgID(msgID))
	if err != nil {
		return false, fmt.Errorf("publish %s %s: %w", subject, msgID, err)
	}
	return ack.Duplicate, nil
}
