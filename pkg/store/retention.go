// retention.go runs the jobs that keep tables from growing for ever: each deletes (or folds
// away) rows older than its age, a batch at a time, and counts what it removed.

package store

import (
	"context"
	"fmt"
	"time"

	"zeromall/pkg/metric"
	"zeromall/pkg/worker"

	"github.com/zeromicro/go-zero/core/logx"
)

var (
	removed  = metric.CounterVec("retention", "rows_total", "Rows a retention job removed, by job.", "job")
	failures = metric.CounterVec("retention", "errors_total", "Retention rounds that failed, by job.", "job")
)

// RetentionConfig is one job's settings, as the services' YAML holds them.
type RetentionConfig struct {
	Keep     time.Duration // rows older than this go
	Interval time.Duration `json:",default=10m"`
	Batch    int           `json:",default=1000,range=[1:10000]"`
}

// Check reports a job whose settings would not run.
func (c RetentionConfig) Check(job string) error {
	if c.Keep <= 0 || c.Interval <= 0 {
		return fmt.Errorf("retention %s: Keep and Interval must be positive", job)
	}
	return nil
}

// Purge removes up to batch rows older than cutoff and says how many it removed.
type Purge func(ctx context.Context, cutoff time.Time, batch int) (int64, error)

// StartRetention runs purge every c.Interval, a batch at a time while full batches come back. Every
// instance of a service runs its jobs; removing what another instance removed is a no-op.
func StartRetention(job string, c RetentionConfig, purge Purge) *worker.Loop {
	removed.WithLabelValues(job)
	failures.WithLabelValues(job)
	return worker.Start(c.Interval, nil, func(ctx context.Context, stop <-chan struct{}) {
		RunRetention(ctx, job, c, purge, stop)
	})
}

// RunRetention is one round of a job: batches until a short one, an error or stop.
func RunRetention(ctx context.Context, job string, c RetentionConfig, purge Purge, stop <-chan struct{}) int64 {
	cutoff := time.Now().Add(-c.Keep)
	var total int64
	for {
		n, err := purge(ctx, cutoff, c.Batch)
		total += n
		removed.WithLabelValues(job).Add(float64(n))
		if err != nil {
			failures.WithLabelValues(job).Inc()
			logx.WithContext(ctx).Errorf("retention %s: %v", job, err)
			return total
		}
		if n < int64(c.Batch) {
			return total
		}
		select {
		case <-stop:
			return total
		default:
		}
	}
}
