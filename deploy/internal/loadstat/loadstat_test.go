package loadstat

import (
	"testing"
	"time"
)

func TestPercentile_NearestRank(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(100-i) * time.Millisecond // 100 ms … 1 ms, unsorted
	}
	for _, tc := range []struct {
		samples []time.Duration
		p       float64
		want    time.Duration
	}{
		{nil, 99, 0},
		{[]time.Duration{7}, 99, 7},
		{hundred, 99, 99 * time.Millisecond}, // not the maximum
		{hundred, 100, 100 * time.Millisecond},
		{hundred, 50, 50 * time.Millisecond},
		{hundred, 1, time.Millisecond},
		{[]time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90, 9},
		{[]time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 91, 10},
	} {
		if got := Percentile(tc.samples, tc.p); got != tc.want {
			t.Errorf("p%v of %d samples = %v, want %v", tc.p, len(tc.samples), got, tc.want)
		}
	}
	if hundred[0] != 100*time.Millisecond {
		t.Error("Percentile reordered its input")
	}
}
