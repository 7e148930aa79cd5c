// inbox.go makes a consumer apply each event once: the handler records the event's id in its
// service's inbox table in the same transaction as the event's effect, so a redelivery (after a
// lost acknowledgement, a crash, or a relay that published twice under two ids) finds it there
// and changes nothing.

package events

import (
	"context"
	"fmt"
	"time"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

const inboxTable = "`inbox`"

// Inbox is one service's inbox table.
type Inbox struct {
	db sqlx.SqlConn
}

// NewInbox returns the inbox in the database db.
func NewInbox(db sqlx.SqlConn) *Inbox {
	return &Inbox{db: db}
}

// FirstTx records in tx that consumer applies event id and reports whether this is the first
// time; false means it was applied before and tx should change nothing. A concurrent delivery of
// the same event waits on this row until tx ends, then sees it.
func (i *Inbox) FirstTx(ctx context.Context, tx sqlx.Session, consumer, id string) (bool, error) {
	res, err := tx.ExecCtx(ctx, "insert ignore into "+inboxTable+" (`consumer`, `event_id`) values (?, ?)", consumer, id)
	if err != nil {
		return false, fmt.Errorf("inbox %s %s: %w", consumer, id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Seen reports whether consumer has applied event id.
func (i *Inbox) Seen(ctx context.Context, consumer, id string) (bool, error) {
	var n int64
	err := i.db.QueryRowCtx(ctx, &n, "select count(*) from "+inboxTable+" where `consumer` = ? and `event_id` = ?", consumer, id)
	if err != nil {
		return false, fmt.Errorf("inbox %s %s: %w", consumer, id, err)
	}
	return n > 0, nil
}

// PurgeBefore deletes up to limit records made before cutoff and returns how many (a
// store.RetentionConfig purge). Keep records longer than the streams keep events (a week), so
// no event can come again once its record is gone.
func (i *Inbox) PurgeBefore(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	res, err := i.db.ExecCtx(ctx, "delete from "+inboxTable+" where `created_at` < ? limit ?", cutoff.UTC(), limit)
	if err != nil {
		return 0, fmt.Errorf("purge inbox: %w", err)
	}
	return res.RowsAffected()
}
