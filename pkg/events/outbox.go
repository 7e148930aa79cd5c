// outbox.go is the transactional outbox every producing service keeps in its own database: a
// change and the event that announces it commit together (AddTx), and the relay (relay.go)
// publishes the rows afterwards. Rows are never cached; times are MySQL's own (NOW(3)), so every
// relay agrees on when a row is due and when a lease ends. A relay leases rows (owner + expiry)
// in a statement of its own, publishes with no transaction open, and records each outcome only
// while it still holds the lease: MySQL never waits on the broker, and the rows of a relay that
// died are taken over once its lease ends.

package events

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

const outboxTable = "`outbox`"

// Values of outbox.status.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusParked    = "parked" // could not be published (an unreadable row); waits for a person
)

// Row is one outbox row.
type Row struct {
	ID            int64        `db:"id"`
	EventID       string       `db:"event_id"`
	Topic         string       `db:"topic"`
	Payload       string       `db:"payload"`
	Status        string       `db:"status"`
	Attempts      int64        `db:"attempts"`
	NextAttemptAt time.Time    `db:"next_attempt_at"`
	LastError     string       `db:"last_error"`
	DeliveredAt   sql.NullTime `db:"delivered_at"`
	CreatedAt     time.Time    `db:"created_at"`
	Aggregate     string       `db:"aggregate"`
	LeaseOwner    string       `db:"lease_owner"`
	LeaseUntil    sql.NullTime `db:"lease_until"`
}

const rowColumns = "`id`,`event_id`,`topic`,`payload`,`status`,`attempts`,`next_attempt_at`,`last_error`," +
	"`delivered_at`,`created_at`,`aggregate`,`lease_owner`,`lease_until`"

// Stats is the state of an outbox at one moment.
type Stats struct {
	Pending          int64
	Parked           int64
	OldestPendingAge time.Duration
}

// Outbox is one service's outbox table.
type Outbox struct {
	db sqlx.SqlConn
}

// NewOutbox returns the outbox in the database db.
func NewOutbox(db sqlx.SqlConn) *Outbox {
	return &Outbox{db: db}
}

// AddTx queues ev in the transaction tx that makes it true; the relay publishes it once tx has
// committed. The event's id and time must be set (New sets them).
func (o *Outbox) AddTx(ctx context.Context, tx sqlx.Session, ev *Event) error {
	payload, err := Encode(ev)
	if err != nil {
		return err
	}
	q := "insert into " + outboxTable + " (`event_id`, `aggregate`, `topic`, `payload`) values (?, ?, ?, ?)"
	if _, err := tx.ExecCtx(ctx, q, ev.Id, ev.Aggregate, ev.Type, string(payload)); err != nil {
		return fmt.Errorf("queue %s: %w", ev.Type, err)
	}
	return nil
}

// ClaimDue leases up to limit due rows to owner for lease and returns them. Only the oldest
// undelivered row of each aggregate is due, so the events of one order are published in the
// order they were committed, one at a time, whichever relay takes them.
func (o *Outbox) ClaimDue(ctx context.Context, owner string, lease time.Duration, limit int) ([]*Row, error) {
	// Candidates are heads of their aggregate: no earlier row of the order is undelivered. A head
	// stays a head (delivered is final; a parked one blocks its order until replayed), so the
	// conditional lease below is the only race, and only one relay wins it.
	var ids []int64
	q := "select o.`id` from " + outboxTable + " o where o.`status` = ? and o.`next_attempt_at` <= NOW(3)" +
		" and (o.`lease_until` is null or o.`lease_until` <= NOW(3))" +
		" and not exists (select 1 from " + outboxTable + " e where e.`aggregate` = o.`aggregate` and e.`id` < o.`id` and e.`status` <> ?)" +
		" order by o.`id` limit ?"
	if err := o.db.QueryRowsCtx(ctx, &ids, q, StatusPending, StatusDelivered, limit); err != nil {
		return nil, fmt.Errorf("find due outbox rows: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList(ids)
	q = "update " + outboxTable + " set `lease_owner` = ?, `lease_until` = NOW(3) + INTERVAL ? MICROSECOND" +
		" where `id` in (" + in + ") and `status` = ? and (`lease_until` is null or `lease_until` <= NOW(3))"
	if _, err := o.db.ExecCtx(ctx, q, append([]any{owner, lease.Microseconds()}, append(args, StatusPending)...)...); err != nil {
		return nil, fmt.Errorf("lease outbox rows: %w", err)
	}
	var rows []*Row
	q = "select " + rowColumns + " from " + outboxTable + " where `id` in (" + in + ") and `lease_owner` = ? and `status` = ? order by `id`"
	if err := o.db.QueryRowsPartialCtx(ctx, &rows, q, append(args, owner, StatusPending)...); err != nil {
		return nil, fmt.Errorf("read leased outbox rows: %w", err)
	}
	return rows, nil
}

// leaseHeld is the condition under which owner may record an outcome: a pending row (its status
// is the constant's word, not a bound argument, so every caller's arguments stay id, owner).
const leaseHeld = "`id` = ? and `lease_owner` = ? and `status` = '" + StatusPending + "'"

// Delivered marks a row published; false when owner no longer holds its lease.
func (o *Outbox) Delivered(ctx context.Context, id int64, owner string) (bool, error) {
	q := "update " + outboxTable + " set `status` = ?, `attempts` = `attempts` + 1, `delivered_at` = NOW()," +
		" `lease_owner` = '', `lease_until` = null where " + leaseHeld
	return store.AffectedOne(o.db.ExecCtx(ctx, q, StatusDelivered, id, owner))
}

// RetryLater records a failed attempt, ends the lease and sets when to try again.
func (o *Outbox) RetryLater(ctx context.Context, id int64, owner string, after time.Duration, lastErr string) (bool, error) {
	q := "update " + outboxTable + " set `attempts` = `attempts` + 1, `next_attempt_at` = NOW(3) + INTERVAL ? MICROSECOND," +
		" `last_error` = ?, `lease_owner` = '', `lease_until` = null where " + leaseHeld
	return store.AffectedOne(o.db.ExecCtx(ctx, q, after.Microseconds(), store.Truncate(lastErr, 255), id, owner))
}

// Park sets aside a row that can never be published; later rows of its aggregate wait behind it
// until it is replayed.
func (o *Outbox) Park(ctx context.Context, id int64, owner string, lastErr string) (bool, error) {
	q := "update " + outboxTable + " set `status` = ?, `attempts` = `attempts` + 1, `last_error` = ?," +
		" `lease_owner` = '', `lease_until` = null where " + leaseHeld
	return store.AffectedOne(o.db.ExecCtx(ctx, q, StatusParked, store.Truncate(lastErr, 255), id, owner))
}

// Release ends owner's leases on rows it claimed but did not attempt.
func (o *Outbox) Release(ctx context.Context, owner string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := inList(ids)
	q := "update " + outboxTable + " set `lease_owner` = '', `lease_until` = null where `id` in (" + in + ") and `lease_owner` = ?"
	_, err := o.db.ExecCtx(ctx, q, append(args, owner)...)
	return err
}

// Stats counts pending and parked rows and the age of the oldest pending one.
func (o *Outbox) Stats(ctx context.Context) (Stats, error) {
	var row struct {
		Pending int64         `db:"pending"`
		Parked  int64         `db:"parked"`
		Oldest  sql.NullInt64 `db:"oldest_ms"`
	}
	q := "select coalesce(sum(`status` = ?), 0) as pending, coalesce(sum(`status` = ?), 0) as parked," +
		" timestampdiff(microsecond, min(if(`status` = ?, `created_at`, null)), NOW(3)) div 1000 as oldest_ms" +
		" from " + outboxTable + " where `status` in (?, ?)"
	err := o.db.QueryRowCtx(ctx, &row, q, StatusPending, StatusParked, StatusPending, StatusPending, StatusParked)
	if err != nil {
		return Stats{}, fmt.Errorf("outbox stats: %w", err)
	}
	return Stats{Pending: row.Pending, Parked: row.Parked,
		OldestPendingAge: time.Duration(max(row.Oldest.Int64, 0)) * time.Millisecond}, nil
}

// ListParked returns up to limit parked rows, oldest first.
func (o *Outbox) ListParked(ctx context.Context, limit int) ([]*Row, error) {
	var rows []*Row
	q := "select " + rowColumns + " from " + outboxTable + " where `status` = ? order by `id` limit ?"
	if err := o.db.QueryRowsPartialCtx(ctx, &rows, q, StatusParked, limit); err != nil {
		return nil, fmt.Errorf("list parked outbox rows: %w", err)
	}
	return rows, nil
}

// Replay makes a parked row (id > 0) or every parked row (id == 0) due again and returns how many
// it changed.
func (o *Outbox) Replay(ctx context.Context, id int64) (int64, error) {
	q := "update " + outboxTable + " set `status` = ?, `next_attempt_at` = NOW(3), `lease_owner` = '', `lease_until` = null" +
		" where `status` = ?"
	args := []any{StatusPending, StatusParked}
	if id > 0 {
		q, args = q+" and `id` = ?", append(args, id)
	}
	res, err := o.db.ExecCtx(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("replay outbox: %w", err)
	}
	return res.RowsAffected()
}

// PurgeDeliveredBefore deletes up to limit rows delivered before cutoff and returns how many (a
// store.RetentionConfig purge); pending and parked rows are never purged.
func (o *Outbox) PurgeDeliveredBefore(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	q := "delete from " + outboxTable + " where `status` = ? and `delivered_at` < ? order by `next_attempt_at` limit ?"
	res, err := o.db.ExecCtx(ctx, q, StatusDelivered, cutoff.UTC(), limit)
	if err != nil {
		return 0, fmt.Errorf("purge delivered outbox rows: %w", err)
	}
	return res.RowsAffected()
}

func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(ids)), ","), args
}
