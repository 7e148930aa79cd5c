package model

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Outbox topics: what order-rpc is told.
const (
	TopicOrderPaid     = "order.paid"
	TopicOrderRefunded = "order.refunded"
)

// Values of outbox.status.
const (
	OutboxPending   = "pending"
	OutboxDelivered = "delivered"
	OutboxParked    = "parked" // order-rpc refused it for good; waits for a person to replay it
)

var _ OutboxModel = (*customOutboxModel)(nil)

type (
	// OutboxModel is an interface to be customized, add more methods here,
	// and implement the added methods in customOutboxModel.
	//
	// Outbox rows are never cached; times are MySQL's own (NOW(3)), so every relay agrees on when
	// a row is due and when a lease ends. A relay claims messages with a lease (owner + expiry) in
	// a statement of its own, delivers them with no transaction open, and records each outcome
	// only while it still holds the lease: MySQL never waits on a network call, and the messages
	// of a relay that died are taken over once its lease ends.
	OutboxModel interface {
		outboxModel
		// AddTx queues a message about aggregate (an order number) in the transaction that makes
		// it true.
		AddTx(ctx context.Context, s sqlx.Session, aggregate, topic, payload string) error
		// ClaimDue leases up to limit due messages to owner for lease and returns them. Only the
		// oldest undelivered message of each aggregate is due, so the messages of one order are
		// delivered in the order they were committed, one at a time, whichever relay takes them.
		ClaimDue(ctx context.Context, owner string, lease time.Duration, limit int) ([]*Outbox, error)
		// Delivered marks a message delivered; false when owner no longer holds its lease.
		Delivered(ctx context.Context, id int64, owner string) (bool, error)
		// DeliveredTx is Delivered inside a transaction.
		DeliveredTx(ctx context.Context, s sqlx.Session, id int64, owner string) (bool, error)
		// RetryLater records a failed attempt, ends the lease and sets when to try again.
		RetryLater(ctx context.Context, id int64, owner string, after time.Duration, lastErr string) (bool, error)
		// Park sets aside a message order-rpc refused for good; later messages of its order wait
		// behind it until it is replayed.
		Park(ctx context.Context, id int64, owner string, lastErr string) (bool, error)
		// Release ends owner's leases on messages it claimed but did not attempt.
		Release(ctx context.Context, owner string, ids []int64) error
		// Stats counts pending and parked messages and the age of the oldest pending one.
		Stats(ctx context.Context) (OutboxStats, error)
		// ListParked returns up to limit parked messages, oldest first.
		ListParked(ctx context.Context, limit int) ([]*Outbox, error)
		// Replay makes a parked message (id > 0) or every parked message (id == 0) due again and
		// returns how many it changed.
		Replay(ctx context.Context, id int64) (int64, error)
		// PurgeDeliveredBefore deletes up to limit messages delivered before cutoff and returns
		// how many.
		PurgeDeliveredBefore(ctx context.Context, cutoff time.Time, limit int) (int64, error)
	}

	// OutboxStats is the state of the outbox at one moment.
	OutboxStats struct {
		Pending          int64
		Parked           int64
		OldestPendingAge time.Duration
	}

	customOutboxModel struct {
		*defaultOutboxModel
	}
)

// NewOutboxModel returns a model for the database table.
func NewOutboxModel(conn sqlx.SqlConn, c cache.CacheConf, opts ...cache.Option) OutboxModel {
	return &customOutboxModel{
		defaultOutboxModel: newOutboxModel(conn, c, opts...),
	}
}

func (m *customOutboxModel) AddTx(ctx context.Context, s sqlx.Session, aggregate, topic, payload string) error {
	q := fmt.Sprintf("insert into %s (`aggregate`, `topic`, `payload`) values (?, ?, ?)", m.table)
	if _, err := s.ExecCtx(ctx, q, aggregate, topic, payload); err != nil {
		return fmt.Errorf("queue %s: %w", topic, err)
	}
	return nil
}

func (m *customOutboxModel) ClaimDue(ctx context.Context, owner string, lease time.Duration, limit int) ([]*Outbox, error) {
	// Candidates are heads of their aggregate: no earlier message of the order is undelivered.
	// A head stays a head (delivered is final; a parked one blocks its order until replayed), so
	// the conditional lease below is the only race, and only one relay wins it.
	var ids []int64
	q := fmt.Sprintf("select o.`id` from %[1]s o where o.`status` = ? and o.`next_attempt_at` <= NOW(3)"+
		" and (o.`lease_until` is null or o.`lease_until` <= NOW(3))"+
		" and not exists (select 1 from %[1]s e where e.`aggregate` = o.`aggregate` and e.`id` < o.`id` and e.`status` <> ?)"+
		" order by o.`id` limit ?", m.table)
	if err := m.QueryRowsNoCacheCtx(ctx, &ids, q, OutboxPending, OutboxDelivered, limit); err != nil {
		return nil, fmt.Errorf("find due outbox messages: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList(ids)
	q = fmt.Sprintf("update %s set `lease_owner` = ?, `lease_until` = NOW(3) + INTERVAL ? MICROSECOND"+
		" where `id` in (%s) and `status` = ? and (`lease_until` is null or `lease_until` <= NOW(3))", m.table, in)
	if _, err := m.ExecNoCacheCtx(ctx, q, append([]any{owner, lease.Microseconds()}, append(args, OutboxPending)...)...); err != nil {
		return nil, fmt.Errorf("lease outbox messages: %w", err)
	}
	var rows []*Outbox
	q = fmt.Sprintf("select %s from %s where `id` in (%s) and `lease_owner` = ? and `status` = ? order by `id`", outboxRows, m.table, in)
	if err := m.QueryRowsNoCacheCtx(ctx, &rows, q, append(args, owner, OutboxPending)...); err != nil {
		return nil, fmt.Errorf("read leased outbox messages: %w", err)
	}
	return rows, nil
}

// leaseHeld is the condition under which owner may record an outcome: a pending message (its
// status is the constant's word, not a bound argument, so every caller's arguments stay id, owner).
const leaseHeld = "`id` = ? and `lease_owner` = ? and `status` = '" + OutboxPending + "'"

func (m *customOutboxModel) Delivered(ctx context.Context, id int64, owner string) (bool, error) {
	return m.DeliveredTx(ctx, nil, id, owner)
}

func (m *customOutboxModel) DeliveredTx(ctx context.Context, s sqlx.Session, id int64, owner string) (bool, error) {
	q := fmt.Sprintf("update %s set `status` = ?, `attempts` = `attempts` + 1, `delivered_at` = NOW(),"+
		" `lease_owner` = '', `lease_until` = null where "+leaseHeld, m.table)
	if s == nil {
		return affectedOne(m.ExecNoCacheCtx(ctx, q, OutboxDelivered, id, owner))
	}
	return affectedOne(s.ExecCtx(ctx, q, OutboxDelivered, id, owner))
}

func (m *customOutboxModel) RetryLater(ctx context.Context, id int64, owner string, after time.Duration, lastErr string) (bool, error) {
	q := fmt.Sprintf("update %s set `attempts` = `attempts` + 1, `next_attempt_at` = NOW(3) + INTERVAL ? MICROSECOND,"+
		" `last_error` = ?, `lease_owner` = '', `lease_until` = null where "+leaseHeld, m.table)
	return affectedOne(m.ExecNoCacheCtx(ctx, q, after.Microseconds(), truncate(lastErr, 255), id, owner))
}

func (m *customOutboxModel) Park(ctx context.Context, id int64, owner string, lastErr string) (bool, error) {
	q := fmt.Sprintf("update %s set `status` = ?, `attempts` = `attempts` + 1, `last_error` = ?,"+
		" `lease_owner` = '', `lease_until` = null where "+leaseHeld, m.table)
	return affectedOne(m.ExecNoCacheCtx(ctx, q, OutboxParked, truncate(lastErr, 255), id, owner))
}

func (m *customOutboxModel) Release(ctx context.Context, owner string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := inList(ids)
	q := fmt.Sprintf("update %s set `lease_owner` = '', `lease_until` = null where `id` in (%s) and `lease_owner` = ?", m.table, in)
	_, err := m.ExecNoCacheCtx(ctx, q, append(args, owner)...)
	return err
}

func (m *customOutboxModel) Stats(ctx context.Context) (OutboxStats, error) {
	var row struct {
		Pending int64         `db:"pending"`
		Parked  int64         `db:"parked"`
		Oldest  sql.NullInt64 `db:"oldest_ms"`
	}
	q := fmt.Sprintf("select coalesce(sum(`status` = ?), 0) as pending, coalesce(sum(`status` = ?), 0) as parked,"+
		" timestampdiff(microsecond, min(if(`status` = ?, `created_at`, null)), NOW(3)) div 1000 as oldest_ms"+
		" from %s where `status` in (?, ?)", m.table)
	err := m.QueryRowNoCacheCtx(ctx, &row, q, OutboxPending, OutboxParked, OutboxPending, OutboxPending, OutboxParked)
	if err != nil {
		return OutboxStats{}, fmt.Errorf("outbox stats: %w", err)
	}
	return OutboxStats{Pending: row.Pending, Parked: row.Parked,
		OldestPendingAge: time.Duration(max(row.Oldest.Int64, 0)) * time.Millisecond}, nil
}

func (m *customOutboxModel) ListParked(ctx context.Context, limit int) ([]*Outbox, error) {
	var rows []*Outbox
	q := fmt.Sprintf("select %s from %s where `status` = ? order by `id` limit ?", outboxRows, m.table)
	if err := m.QueryRowsNoCacheCtx(ctx, &rows, q, OutboxParked, limit); err != nil {
		return nil, fmt.Errorf("list parked outbox messages: %w", err)
	}
	return rows, nil
}

func (m *customOutboxModel) Replay(ctx context.Context, id int64) (int64, error) {
	q := fmt.Sprintf("update %s set `status` = ?, `next_attempt_at` = NOW(3), `lease_owner` = '', `lease_until` = null"+
		" where `status` = ?", m.table)
	args := []any{OutboxPending, OutboxParked}
	if id > 0 {
		q, args = q+" and `id` = ?", append(args, id)
	}
	res, err := m.ExecNoCacheCtx(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("replay outbox: %w", err)
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

func affectedOne(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

func (m *customOutboxModel) PurgeDeliveredBefore(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	q := fmt.Sprintf("delete from %s where `status` = ? and `delivered_at` < ? order by `next_attempt_at` limit ?", m.table)
	res, err := m.ExecNoCacheCtx(ctx, q, OutboxDelivered, cutoff.UTC(), limit)
	if err != nil {
		return 0, fmt.Errorf("purge delivered outbox messages: %w", err)
	}
	return res.RowsAffected()
}
