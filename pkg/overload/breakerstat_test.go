package overload

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/zeromicro/go-zero/core/breaker"
)

func TestObserve_CountsOnlyBreakerRefusals(t *testing.T) {
	before := testutil.ToFloat64(counters[Dependency])
	for _, err := range []error{nil, errors.New("boom"), context.DeadlineExceeded} {
		if ObserveBreaker(err, Dependency) {
			t.Errorf("Observe(%v) counted a call no breaker refused", err)
		}
	}
	if !ObserveBreaker(fmt.Errorf("query: %w", breaker.ErrServiceUnavailable), Dependency) {
		t.Error("a wrapped breaker refusal was not counted")
	}
	if got := testutil.ToFloat64(counters[Dependency]) - before; got != 1 {
		t.Errorf("dependency counter moved by %v, want 1", got)
	}
	if n := testutil.CollectAndCount(rejected); n != 3 {
		t.Errorf("%d series exported, want all 3 from the start", n)
	}
}
