package testkit

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	oteltrace "go.opentelemetry.io/otel/trace"
)

// The six processes every purchase passes through.
var Processes = []string{"user-api", "user-rpc", "order-api", "order-rpc", "payment-api", "payment-rpc"}

// A Trace is one trace as Jaeger's query API returns it (GET /api/traces/<id>).
type Trace struct {
	ID    string
	Spans []*Span
	byID  map[string]*Span
}

// A Span is one span of a Trace.
type Span struct {
	ID, Parent     string // Parent: the span it is a child of; "" for a root
	Process, Name  string // the service that recorded it, and the span's name
	Kind           string // server, client, producer, consumer, internal
	Start          time.Time
	Duration       time.Duration
	Error          bool              // its status is an error
	Tags           map[string]string // its attributes
	LoggedValues   []string          // the values of its events' attributes
	ProcessTagVals []string          // the values of its process's (resource's) attributes
}

// GetTrace reads trace id from the Jaeger whose query API is at base (http://host:16686); a trace
// Jaeger does not have yet is an error.
func GetTrace(ctx context.Context, base, id string) (*Trace, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/api/traces/"+id, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("jaeger: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("jaeger: trace %s: status %d", id, resp.StatusCode)
	}
	var body struct {
		Data []struct {
			Spans []struct {
				SpanID, OperationName string
				References            []struct{ RefType, SpanID string }
				StartTime, Duration   int64 // µs
				ProcessID             string
				Tags                  []struct {
					Key   string
					Value any
				}
				Logs []struct {
					Fields []struct {
						Key   string
						Value any
					}
				}
			}
			Processes map[string]struct {
				ServiceName string
				Tags        []struct {
					Key   string
					Value any
				}
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("jaeger: decode trace %s: %w", id, err)
	}
	if len(body.Data) != 1 {
		return nil, fmt.Errorf("jaeger: trace %s: %d traces in the answer", id, len(body.Data))
	}
	d := body.Data[0]
	tr := &Trace{ID: id, byID: map[string]*Span{}}
	for _, s := range d.Spans {
		sp := &Span{
			ID: s.SpanID, Name: s.OperationName, Process: d.Processes[s.ProcessID].ServiceName,
			Start: time.UnixMicro(s.StartTime), Duration: time.Duration(s.Duration) * time.Microsecond,
			Tags: map[string]string{},
		}
		for _, r := range s.References {
			if r.RefType == "CHILD_OF" {
				sp.Parent = r.SpanID
			}
		}
		for _, tag := range s.Tags {
			sp.Tags[tag.Key] = fmt.Sprint(tag.Value)
		}
		sp.Kind = sp.Tags["span.kind"]
		sp.Error = sp.Tags["otel.status_code"] == "ERROR" || sp.Tags["error"] == "true"
		for _, l := range s.Logs {
			for _, f := range l.Fields {
				sp.LoggedValues = append(sp.LoggedValues, fmt.Sprint(f.Value))
			}
		}
		for _, tag := range d.Processes[s.ProcessID].Tags {
			sp.ProcessTagVals = append(sp.ProcessTagVals, fmt.Sprint(tag.Value))
		}
		tr.Spans = append(tr.Spans, sp)
		tr.byID[sp.ID] = sp
	}
	slices.SortFunc(tr.Spans, func(a, b *Span) int { return a.Start.Compare(b.Start) })
	return tr, nil
}

// WaitTrace reads trace id from Jaeger until it holds spans from every one of processes and no
// new span came in for a second (exporters send in batches), at most timeout.
func WaitTrace(ctx context.Context, base, id string, processes []string, timeout time.Duration) (*Trace, error) {
	deadline := time.Now().Add(timeout)
	var (
		tr, last *Trace
		err      error
	)
	for {
		tr, err = GetTrace(ctx, base, id)
		if err == nil && len(tr.Missing(processes)) == 0 && last != nil && len(last.Spans) == len(tr.Spans) {
			return tr, nil
		}
		if err == nil {
			last = tr
		}
		if time.Now().After(deadline) {
			if err != nil {
				return nil, err
			}
			return tr, fmt.Errorf("trace %s after %s: %d spans, none from %v", id, timeout, len(tr.Spans), tr.Missing(processes))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// Missing is which of processes recorded no span of the trace.
func (tr *Trace) Missing(processes []string) []string {
	var missing []string
	for _, p := range processes {
		if !slices.ContainsFunc(tr.Spans, func(s *Span) bool { return s.Process == p }) {
			missing = append(missing, p)
		}
	}
	return missing
}

// Span returns the span with id, or nil.
func (tr *Trace) Span(id string) *Span { return tr.byID[id] }

// Find returns the spans of process named name, in start order.
func (tr *Trace) Find(process, name string) []*Span {
	var out []*Span
	for _, s := range tr.Spans {
		if s.Process == process && s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

// Orphans are the spans whose parent is not in the trace.
func (tr *Trace) Orphans() []*Span {
	var out []*Span
	for _, s := range tr.Spans {
		if s.Parent != "" && tr.byID[s.Parent] == nil {
			out = append(out, s)
		}
	}
	return out
}

// Roots are the spans with no parent.
func (tr *Trace) Roots() []*Span {
	var out []*Span
	for _, s := range tr.Spans {
		if s.Parent == "" {
			out = append(out, s)
		}
	}
	return out
}

// Ancestors are s's parent, its parent's parent, and so on up to the root.
func (tr *Trace) Ancestors(s *Span) []*Span {
	var out []*Span
	for p := tr.byID[s.Parent]; p != nil && len(out) <= len(tr.Spans); p = tr.byID[p.Parent] {
		out = append(out, p)
	}
	return out
}

// Describe is "process span" of s, for messages.
func (s *Span) Describe() string {
	if s == nil {
		return "(none)"
	}
	return s.Process + " " + s.Name
}

// PurchaseProblems is what is wrong with the trace of one purchase (deploy/scripts/purchase.sh):
// spans from all six processes; one root and every other span's parent in the trace; every rpc
// server span the child of its caller's client span, and the calls of each gateway under that
// gateway's own HTTP span; order-rpc's handling of payment.succeeded under payment-api's callback.
func (tr *Trace) PurchaseProblems() []string {
	var problems []string
	if m := tr.Missing(Processes); len(m) > 0 {
		problems = append(problems, fmt.Sprintf("no span from %v", m))
	}
	if roots := tr.Roots(); len(roots) != 1 {
		problems = append(problems, fmt.Sprintf("%d roots, want 1", len(roots)))
	}
	for _, s := range tr.Orphans() {
		problems = append(problems, fmt.Sprintf("orphan: %s (parent %s is not in the trace)", s.Describe(), s.Parent))
	}
	rpcs := 0
	for _, s := range tr.Spans {
		if s.Kind != "server" || !strings.HasSuffix(s.Process, "-rpc") {
			continue
		}
		rpcs++
		caller := tr.Span(s.Parent)
		if caller == nil || caller.Kind != "client" || caller.Name != s.Name || caller.Process == s.Process {
			problems = append(problems, fmt.Sprintf("%s: parent %s, want its caller's client span", s.Describe(), caller.Describe()))
			continue
		}
		if strings.HasSuffix(caller.Process, "-api") && !slices.ContainsFunc(tr.Ancestors(caller), func(a *Span) bool {
			return a.Process == caller.Process && a.Kind == "server" && strings.HasPrefix(a.Name, "/")
		}) {
			problems = append(problems, fmt.Sprintf("%s: its caller in %s is under no HTTP span of %s", s.Describe(), caller.Process, caller.Process))
		}
	}
	if rpcs == 0 {
		problems = append(problems, "no rpc server span")
	}
	handled := tr.Find("order-rpc", "process payment.succeeded")
	if len(handled) == 0 {
		problems = append(problems, "order-rpc never handled payment.succeeded in this trace")
	}
	for _, h := range handled {
		if !slices.ContainsFunc(tr.Ancestors(h), func(a *Span) bool {
			return a.Process == "payment-api" && a.Name == "/payment/v1/callback"
		}) {
			problems = append(problems, fmt.Sprintf("%s is not under payment-api's /payment/v1/callback", h.Describe()))
		}
	}
	return problems
}

// Leaks are the attribute values of the trace (spans', their events', their processes') that hold
// one of secrets, or a run of 13 to 19 digits (a card-like number).
func (tr *Trace) Leaks(secrets ...string) []string {
	var leaks []string
	for _, s := range tr.Spans {
		values := slices.Concat(s.LoggedValues, s.ProcessTagVals)
		for k, v := range s.Tags {
			values = append(values, k+"="+v)
		}
		for _, v := range values {
			for _, secret := range secrets {
				if secret != "" && strings.Contains(v, secret) {
					leaks = append(leaks, fmt.Sprintf("%s: %q holds a secret", s.Describe(), v))
				}
			}
			if cardLike(v) {
				leaks = append(leaks, fmt.Sprintf("%s: %q holds a card-like number", s.Describe(), v))
			}
		}
	}
	return leaks
}

// cardLike reports whether v has a word made of 13 to 19 digits only, once single spaces and
// dashes between digits are dropped ("4111 1111 1111 1111"). Hex ids are words with letters in
// them, and zeromall's order and payment numbers have 24 digits.
func cardLike(v string) bool {
	joined := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if (v[i] == ' ' || v[i] == '-') && i > 0 && i+1 < len(v) && isDigit(v[i-1]) && isDigit(v[i+1]) {
			continue
		}
		joined = append(joined, v[i])
	}
	for _, w := range strings.FieldsFunc(string(joined), func(r rune) bool {
		return (r < '0' || r > '9') && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z')
	}) {
		if len(w) >= 13 && len(w) <= 19 && strings.Trim(w, "0123456789") == "" {
			return true
		}
	}
	return false
}

// Table is the trace as lines of "process  span  parent  duration", in start order.
func (tr *Trace) Table(keep func(*Span) bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s %-44s %-50s %10s\n", "process", "span", "parent", "duration")
	for _, s := range tr.Spans {
		if keep(s) {
			fmt.Fprintf(&b, "%-12s %-44s %-50s %10s\n", s.Process, s.Name, tr.Span(s.Parent).Describe(), s.Duration.Round(10*time.Microsecond))
		}
	}
	return b.String()
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// A ClientTrace is a trace a test starts as a client: its context carries a sampled W3C trace
// context whose parent span is the test's own, which Send records (so the trace has a root).
type ClientTrace struct {
	TraceID, SpanID string
	Start           time.Time
}

// NewClientTrace returns ctx carrying a new sampled trace whose calls are children of the
// returned trace's root span.
func NewClientTrace(ctx context.Context) (context.Context, ClientTrace) {
	var cfg oteltrace.SpanContextConfig
	_, _ = rand.Read(cfg.TraceID[:])
	_, _ = rand.Read(cfg.SpanID[:])
	cfg.TraceFlags = oteltrace.FlagsSampled
	ct := ClientTrace{TraceID: cfg.TraceID.String(), SpanID: cfg.SpanID.String(), Start: time.Now()}
	return oteltrace.ContextWithRemoteSpanContext(ctx, oteltrace.NewSpanContext(cfg)), ct
}

// Send records the root span, named name and ending now, through OTLP/HTTP at base
// (http://host:4318).
func (ct ClientTrace) Send(ctx context.Context, base, service, name string) error {
	body := fmt.Sprintf(`{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":%q}}]},
"scopeSpans":[{"scope":{"name":%q},"spans":[{"traceId":%q,"spanId":%q,"name":%q,"kind":3,
"startTimeUnixNano":"%d","endTimeUnixNano":"%d","status":{"code":1}}]}]}]}`,
		service, service, ct.TraceID, ct.SpanID, name, ct.Start.UnixNano(), time.Now().UnixNano())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(base, "/")+"/v1/traces", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("otlp: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("otlp: status %d", resp.StatusCode)
	}
	return nil
}
