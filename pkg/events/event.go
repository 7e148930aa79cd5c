// Package events is zeromall's event bus on NATS JetStream: the events (events.proto, generated
// into events.pb.go), the streams they live in (event.go), the transactional outbox a producer
// writes them to (outbox.go) and the relay that publishes it (relay.go), the connection
// (bus.go), durable consumers with acknowledgement, backoff and a dead-letter stream
// (consume.go), and the inbox that applies each event once (inbox.go).
package events

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"google.golang.org/protobuf/encoding/protojson"
)

// The subjects, one per event type.
const (
	SubjectPaymentSucceeded = "payment.succeeded"
	SubjectPaymentRefunded  = "payment.refunded"
	SubjectOrderCreated     = "order.created"
	SubjectOrderPaid        = "order.paid"
	SubjectOrderCancelled   = "order.cancelled"
	SubjectOrderRefunded    = "order.refunded"
	// SubjectOrderPaymentRejected: a payment settled an order cancelled before it; it is refunded.
	SubjectOrderPaymentRejected = "order.payment_rejected"
)

// A Stream is where one producer's events are kept.
type Stream struct {
	Name     string
	Subjects string // a wildcard subject: every event of the producer
}

// The streams, one per producing service, and the dead letters of every consumer.
var (
	Payments    = Stream{Name: "PAYMENTS", Subjects: "payment.>"}
	Orders      = Stream{Name: "ORDERS", Subjects: "order.>"}
	DeadLetters = Stream{Name: "DEADLETTERS", Subjects: "deadletter.>"}
	Streams     = []Stream{Payments, Orders, DeadLetters}
)

// Aggregate versions: an aggregate's place in its life (Event.aggregate_version).
const (
	VersionCreated = 1 // pending
	VersionSettled = 2 // paid, cancelled, succeeded
	VersionClosed  = 3 // refunded
)

// New returns an event of type subject about aggregate at version, with a fresh id, the time now
// and the trace context of ctx; the caller sets its body.
func New(ctx context.Context, producer, subject, aggregate string, version int64) *Event {
	carrier := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(ctx, carrier)
	return &Event{
		Id:               newID(producer),
		Type:             subject,
		OccurredAt:       time.Now().UnixMilli(),
		Traceparent:      carrier.Get("traceparent"),
		Aggregate:        aggregate,
		AggregateVersion: version,
	}
}

// newID is "<producer>-<32 hex digits>": unique without asking anyone.
func newID(producer string) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return producer + "-" + hex.EncodeToString(b[:])
}

// Encode is the wire form of an event: its protobuf JSON (the schema is events.proto), readable
// by an operator in the outbox and on the stream.
func Encode(ev *Event) ([]byte, error) {
	b, err := protojson.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("encode %s event: %w", ev.GetType(), err)
	}
	return b, nil
}

// Decode reads an event; fields it does not know (a newer producer's) are ignored.
func Decode(b []byte) (*Event, error) {
	ev := new(Event)
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(b, ev); err != nil {
		return nil, fmt.Errorf("decode event: %w", err)
	}
	return ev, nil
}

// Context returns ctx carrying the trace context the event was published in, if any.
func Context(ctx context.Context, ev *Event) context.Context {
	if ev.GetTraceparent() == "" {
		return ctx
	}
	return otel.GetTextMapPropagator().Extract(ctx, propagation.MapCarrier{"traceparent": ev.GetTraceparent()})
}
