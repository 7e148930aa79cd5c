package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// A round takes batches until a short one, counts what it removed, and stops at an error.
func TestRun_BatchesUntilAShortOneAndCounts(t *testing.T) {
	left := int64(25)
	var cutoffs []time.Time
	purge := func(_ context.Context, cutoff time.Time, batch int) (int64, error) {
		cutoffs = append(cutoffs, cutoff)
		n := min(left, int64(batch))
		left -= n
		return n, nil
	}
	before := testutil.ToFloat64(removed.WithLabelValues("test"))
	c := RetentionConfig{Keep: time.Hour, Interval: time.Minute, Batch: 10}
	if n := RunRetention(context.Background(), "test", c, purge, nil); n != 25 || left != 0 || len(cutoffs) != 3 {
		t.Fatalf("removed %d in %d batches, %d left; want 25 in 3, none left", n, len(cutoffs), left)
	}
	if got := testutil.ToFloat64(removed.WithLabelValues("test")) - before; got != 25 {
		t.Errorf("counted %v rows, want 25", got)
	}
	if age := time.Since(cutoffs[0]); age < time.Hour || age > time.Hour+time.Minute {
		t.Errorf("cutoff %s ago, want Keep (1h)", age)
	}

	failed := testutil.ToFloat64(failures.WithLabelValues("test"))
	broken := func(context.Context, time.Time, int) (int64, error) { return 0, errors.New("db gone") }
	if n := RunRetention(context.Background(), "test", c, broken, nil); n != 0 {
		t.Fatalf("a failing job removed %d", n)
	}
	if testutil.ToFloat64(failures.WithLabelValues("test"))-failed != 1 {
		t.Error("the failure was not counted")
	}
}

func TestConfig_Check(t *testing.T) {
	if err := (RetentionConfig{Keep: time.Hour, Interval: time.Minute}).Check("x"); err != nil {
		t.Error(err)
	}
	if err := (RetentionConfig{Interval: time.Minute}).Check("x"); err == nil {
		t.Error("no Keep accepted")
	}
}
