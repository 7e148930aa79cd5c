// breakerstat.go counts calls that an open go-zero breaker refused, by where the breaker
// sits, for the "breaker open" alert (deploy/prometheus/rules.yml). go-zero's breakers report
// only in log lines; this is the series an alert can watch.

package overload

import (
	"errors"

	"zeromall/pkg/metric"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/zeromicro/go-zero/core/breaker"
)

// Where a refusing breaker sits.
const (
	Route      = "route"      // a gateway route's breaker (pkg/overload's gate)
	RPCClient  = "rpc_client" // a caller's breaker on one rpc method (pkg/rpcx)
	Dependency = "dependency" // an rpc's breaker on MySQL or Redis
)

var rejected = metric.CounterVec("breaker", "rejected_total",
	"Calls an open breaker refused without trying them, by where the breaker sits: route, rpc_client, dependency.", "breaker")

// Every series exists from the start at 0, so a rate over it is 0 rather than no data.
var counters = map[string]prometheus.Counter{}

func init() {
	for _, w := range []string{Route, RPCClient, Dependency} {
		counters[w] = rejected.WithLabelValues(w)
	}
}

// BreakerRejected counts one refusal by the breaker at where.
func BreakerRejected(where string) {
	counters[where].Inc()
}

// ObserveBreaker counts err if an open breaker refused the call, and reports whether it did.
func ObserveBreaker(err error, where string) bool {
	if !errors.Is(err, breaker.ErrServiceUnavailable) {
		return false
	}
	BreakerRejected(where)
	return true
}

// BreakerRefused returns the refusals counted so far at where.
func BreakerRefused(where string) float64 {
	var m dto.Metric
	if err := counters[where].Write(&m); err != nil {
		return 0
	}
	return m.GetCounter().GetValue()
}
