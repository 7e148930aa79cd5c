// tracing.go is how every zeromall process sets up go-zero's tracing.

package confx

import "github.com/zeromicro/go-zero/core/trace"

// Tracing returns c recording spans only when they are exported. Without an OTLP endpoint
// go-zero still records every sampled span, its attributes and message events, and drops it: on
// GET /user/v1/me that was a quarter of user-api's allocations and about 4 % of the CPU per
// request (doc/performance.md). Spans are still started and propagated without it, so trace ids
// reach the logs and the X-Trace-Id header, and a trace sampled by a caller is recorded through
// every hop (go-zero samples by parent first).
func Tracing(c trace.Config) trace.Config {
	if c.Endpoint == "" && !c.Disabled {
		c.Sampler = 0
	}
	return c
}
