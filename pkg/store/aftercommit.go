package store

import (
	"context"
	"time"
)

// AfterCommitTimeout bounds the work that follows a commit (AfterCommit).
const AfterCommitTimeout = 2 * time.Second

// AfterCommit returns the context for the work a commit obliges: a session's tombstone, the
// own-writes marker (stale cache keys are dropped by pkg/store, with the same budget). It keeps ctx's values (trace, logger fields) but not its
// cancellation or deadline, because a client that hangs up after the commit must not leave stale
// entries behind; it is bounded by AfterCommitTimeout instead.
func AfterCommit(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), AfterCommitTimeout)
}
