package metric

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestSeriesAreRegisteredUnderZeromall(t *testing.T) {
	c := CounterVec("metrictest", "things_total", "Things, by kind.", "kind")
	c.WithLabelValues("a").Add(2)
	g := Gauge("metrictest", "level", "A level.")
	g.Set(7)
	GaugeVec("metrictest", "levels", "Levels, by kind.", "kind").WithLabelValues("b").Set(3)

	want := `
# HELP zeromall_metrictest_things_total Things, by kind.
# TYPE zeromall_metrictest_things_total counter
zeromall_metrictest_things_total{kind="a"} 2
`
	if err := testutil.GatherAndCompare(prometheus.DefaultGatherer, strings.NewReader(want), "zeromall_metrictest_things_total"); err != nil {
		t.Error(err)
	}
	if n, err := testutil.GatherAndCount(prometheus.DefaultGatherer, "zeromall_metrictest_level", "zeromall_metrictest_levels"); err != nil || n != 2 {
		t.Errorf("gauges registered: %d, %v", n, err)
	}
	defer func() {
		if recover() == nil {
			t.Error("a second series of the same name was registered")
		}
	}()
	Gauge("metrictest", "level", "Again.")
}
