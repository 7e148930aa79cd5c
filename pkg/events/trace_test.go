package events

import (
	"context"
	"errors"
	"testing"
	"time"

	"zeromall/pkg/testkit"

	"github.com/zeromicro/go-zero/core/stores/sqlx"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	oteltrace "go.opentelemetry.io/otel/trace"
)

// recordSpans makes every span of this test recorded into the returned recorder.
func recordSpans(t *testing.T) *tracetest.SpanRecorder {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	prevTP, prevProp := otel.GetTracerProvider(), otel.GetTextMapPropagator()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
	otel.SetTextMapPropagator(propagation.TraceContext{})
	t.Cleanup(func() { otel.SetTracerProvider(prevTP); otel.SetTextMapPropagator(prevProp) })
	return rec
}

func TestTrace_AnEventsSpansContinueTheRequestThatWroteIt(t *testing.T) {
	rec := recordSpans(t)
	f := newFixture(t)
	request, span := otel.Tracer("test").Start(context.Background(), "request")
	ev := New(request, "test", SubjectOrderCreated, "trace-1", VersionCreated)
	ev.Body = &Event_OrderCreated{OrderCreated: &OrderCreated{OrderSn: "trace-1"}}
	span.End()
	if err := f.db.TransactCtx(context.Background(), func(ctx context.Context, tx sqlx.Session) error {
		return f.outbox.AddTx(ctx, tx, ev)
	}); err != nil {
		t.Fatal(err)
	}
	f.publishAll(t)

	handled := make(chan oteltrace.SpanContext, 2)
	f.consume(t, "trace-test", ConsumerConfig{MaxDeliver: 2, MinBackoff: 10 * time.Millisecond, MaxBackoff: 10 * time.Millisecond, AckWait: 5 * time.Second},
		func(ctx context.Context, _ *Event) error {
			handled <- oteltrace.SpanContextFromContext(ctx)
			if len(handled) == 1 {
				return errors.New("not yet") // the first delivery fails: the second is a span of its own
			}
			return nil
		})
	testkit.Eventually(t, 10*time.Second, "both deliveries handled", func() bool { return len(handled) == 2 })
	testkit.Eventually(t, 5*time.Second, "the spans ended", func() bool { return len(named(rec, "process "+SubjectOrderCreated)) == 2 })

	publish := named(rec, "publish "+SubjectOrderCreated)
	if len(publish) != 1 {
		t.Fatalf("%d publish spans, want 1", len(publish))
	}
	p := publish[0]
	if p.Parent().SpanID() != span.SpanContext().SpanID() || p.SpanKind() != oteltrace.SpanKindProducer {
		t.Errorf("publish span's parent %s (kind %s), want the request's %s", p.Parent().SpanID(), p.SpanKind(), span.SpanContext().SpanID())
	}
	for i, d := range named(rec, "process "+SubjectOrderCreated) {
		if d.Parent().SpanID() != p.SpanContext().SpanID() || d.SpanContext().TraceID() != span.SpanContext().TraceID() {
			t.Errorf("delivery %d: parent %s in trace %s, want the publish span %s in %s", i+1, d.Parent().SpanID(), d.SpanContext().TraceID(), p.SpanContext().SpanID(), span.SpanContext().TraceID())
		}
		wantErr := i == 0
		if (d.Status().Code == codes.Error) != wantErr {
			t.Errorf("delivery %d: status %v, want error=%v", i+1, d.Status(), wantErr)
		}
	}
	if got := <-handled; got.TraceID() != span.SpanContext().TraceID() {
		t.Errorf("the handler ran in trace %s, want %s", got.TraceID(), span.SpanContext().TraceID())
	}
}

func named(rec *tracetest.SpanRecorder, name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}
