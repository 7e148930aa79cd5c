package confx

import (
	"context"
	"testing"

	"github.com/zeromicro/go-zero/core/trace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func TestRecorded_RecordsOnlyWhatIsExported(t *testing.T) {
	exported := trace.Config{Name: "x", Endpoint: "jaeger:4317", Sampler: 1, Batcher: "otlpgrpc"}
	if got := Tracing(exported); got.Sampler != 1 || got.Endpoint != exported.Endpoint {
		t.Errorf("a config with an exporter changed: %+v", got)
	}
	local := Tracing(trace.Config{Name: "x", Sampler: 1})
	if local.Sampler != 0 {
		t.Fatalf("no exporter: sampler %v, want 0", local.Sampler)
	}
	// What go-zero builds from it still gives every request a trace id, unrecorded.
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(local.Sampler))))
	_, span := tp.Tracer("x").Start(context.Background(), "request")
	if !span.SpanContext().HasTraceID() || span.IsRecording() {
		t.Fatalf("span: trace id %v, recording %v; want a trace id, not recording",
			span.SpanContext().HasTraceID(), span.IsRecording())
	}
}
