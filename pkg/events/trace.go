package events

import (
	"context"
	"strconv"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	oteltrace "go.opentelemetry.io/otel/trace"
)

// tracerName names the spans of the relay and the consumers in a trace backend.
const tracerName = "zeromall/events"

// An event's spans continue the trace of the request that wrote it: the relay's "publish" span is
// a child of that request's span (the context kept in the outbox row), and every delivery's
// "process" span is a child of the publish span (the context in the message's headers). A
// purchase and the work its events cause are one trace; doc/architecture.md says why a child and
// not a link.
var (
	attrSystem      = attribute.Key("messaging.system").String("nats")
	attrDestination = attribute.Key("messaging.destination.name")
	attrMessageID   = attribute.Key("messaging.message.id")
	attrConsumer    = attribute.Key("messaging.consumer.group.name")
	attrDelivery    = attribute.Key("messaging.nats.delivery_count")
	attrAggregate   = attribute.Key("zeromall.event.aggregate")
	attrOutboxRow   = attribute.Key("zeromall.outbox.id")
)

// startPublish starts the span of publishing row's event, as a child of the request that wrote it.
func startPublish(ctx context.Context, row *Row, ev *Event) (context.Context, oteltrace.Span) {
	return otel.Tracer(tracerName).Start(Context(ctx, ev), "publish "+row.Topic,
		oteltrace.WithSpanKind(oteltrace.SpanKindProducer),
		oteltrace.WithAttributes(attrSystem, attrDestination.String(row.Topic), attrMessageID.String(row.EventID),
			attrAggregate.String(row.Aggregate), attrOutboxRow.Int64(row.ID)))
}

// startProcess starts the span of one delivery of ev to consumer, as a child of the span that
// published it (the message's headers), or of the request that made it when the headers carry no
// trace context (a replayed dead letter, a publisher without a relay).
func startProcess(header nats.Header, consumer, subject string, ev *Event, delivery uint64) (context.Context, oteltrace.Span) {
	ctx := context.Background()
	if header.Get(headerTraceparent) != "" {
		ctx = otel.GetTextMapPropagator().Extract(ctx, headerCarrier(header))
	} else {
		ctx = Context(ctx, ev)
	}
	return otel.Tracer(tracerName).Start(ctx, "process "+subject,
		oteltrace.WithSpanKind(oteltrace.SpanKindConsumer),
		oteltrace.WithAttributes(attrSystem, attrDestination.String(subject), attrMessageID.String(ev.GetId()),
			attrConsumer.String(consumer), attrDelivery.String(strconv.FormatUint(delivery, 10)),
			attrAggregate.String(ev.GetAggregate())))
}

// endSpan ends span with err's status.
func endSpan(span oteltrace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// headerTraceparent is the W3C trace context header a message carries.
const headerTraceparent = "traceparent"

// headerCarrier carries trace context in a message's headers under W3C's lowercase names
// (NATS headers are case-sensitive; http.Header would write "Traceparent").
type headerCarrier nats.Header

var _ propagation.TextMapCarrier = headerCarrier{}

func (c headerCarrier) Get(key string) string { return nats.Header(c).Get(key) }
func (c headerCarrier) Set(key, value string) { nats.Header(c).Set(key, value) }
func (c headerCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}
