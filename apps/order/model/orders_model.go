package model

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Values of orders.status. The rules for moving between them live in order-rpc's internal/orders/state.go.
const (
	StatusPending   = "pending"
	StatusPaid      = "paid"
	StatusCancelled = "cancelled"
	StatusRefunded  = "refunded"
)

var _ OrdersModel = (*customOrdersModel)(nil)

type (
	// OrdersModel is an interface to be customized, add more methods here,
	// and implement the added methods in customOrdersModel.
	OrdersModel interface {
		ordersModel
		// InsertTx inserts an order inside a transaction and returns its id. A pending order
		// names its buyer's slot (PendingSlot). inserted is false, with no error and nothing
		// written, when the slot or the order number is already held: a race the caller settles
		// by rolling back and trying again, not a failure to log.
		InsertTx(ctx context.Context, s sqlx.Session, o *Orders) (id int64, inserted bool, err error)
		// LockTx reads an order inside a transaction and locks its row until the commit, so
		// transitions of one order run one after the other.
		LockTx(ctx context.Context, s sqlx.Session, id int64) (*Orders, error)
		// TransitionTx moves order id from one status to another only if it is still in `from`
		// (a conditional update, so racing transitions cannot both win), stamps paid_at or
		// closed_at with at and gives back the order's pending slot (every move leaves pending or
		// starts from a status that holds none). It reports whether this call made the change.
		TransitionTx(ctx context.Context, s sqlx.Session, id int64, from, to string, at time.Time) (bool, error)
		// ListByUser returns one page of a user's orders, newest first, and the total count.
		ListByUser(ctx context.Context, userID int64, status string, offset, limit int64) ([]*Orders, int64, error)
		// FindPendingBefore returns up to limit orders still pending that were created before t
		// and hold no payment deadline after now.
		FindPendingBefore(ctx context.Context, t, now time.Time, limit int) ([]*Orders, error)
		// PendingSlotsTx returns the slots userID's pending orders hold, as the transaction's
		// snapshot sees them (a plain read: it locks nothing).
		PendingSlotsTx(ctx context.Context, s sqlx.Session, userID int64) ([]int64, error)
		// HoldTx extends an order's payment deadline to until (never shortens it); call it with
		// the row locked by LockTx.
		HoldTx(ctx context.Context, s sqlx.Session, id int64, until time.Time) error
		// NoteWriteBy remembers for ttl that userID's orders just changed; WroteRecently tells
		// whether they did (reads that must see a user's own writes skip the replica meanwhile).
		NoteWriteBy(ctx context.Context, userID int64, ttl time.Duration) error
		WroteRecently(ctx context.Context, userID int64) (bool, error)
	}

	customOrdersModel struct {
		*defaultOrdersModel
	}
)

// NewOrdersModel returns a model for the database table.
func NewOrdersModel(conn sqlx.SqlConn, c cache.CacheConf, opts ...cache.Option) OrdersModel {
	return &customOrdersModel{
		defaultOrdersModel: newOrdersModel(conn, c, opts...),
	}
}

// InsertTx inserts o with its CreatedAt (MySQL's clock when zero) and returns its id. A held
// unique key leaves the other row as it is ("update id = id": 0 rows affected) instead of
// failing, so the race costs no error log line and no breaker failure.
func (m *customOrdersModel) InsertTx(ctx context.Context, s sqlx.Session, o *Orders) (int64, bool, error) {
	q := fmt.Sprintf("insert into %s (%s, `created_at`) values (?, ?, ?, ?, ?, ?, ?, ?, coalesce(?, current_timestamp))"+
		" on duplicate key update `id` = `id`", m.table, ordersRowsExpectAutoSet)
	var created any
	if !o.CreatedAt.IsZero() {
		created = o.CreatedAt
	}
	res, err := s.ExecCtx(ctx, q, o.Sn, o.UserId, o.Status, o.TotalAmount, o.PaidAt, o.ClosedAt, o.PaymentDeadline, o.PendingSlot, created)
	if err != nil {
		return 0, false, fmt.Errorf("insert order %s: %w", o.Sn, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return 0, false, err
	}
	id, err := res.LastInsertId()
	return id, err == nil, err
}

func (m *customOrdersModel) LockTx(ctx context.Context, s sqlx.Session, id int64) (*Orders, error) {
	var o Orders
	q := fmt.Sprintf("select %s from %s where `id` = ? limit 1 for update", ordersRows, m.table)
	if err := s.QueryRowCtx(ctx, &o, q, id); err != nil {
		return nil, fmt.Errorf("find order %d: %w", id, err)
	}
	return &o, nil
}

func (m *customOrdersModel) TransitionTx(ctx context.Context, s sqlx.Session, id int64, from, to string, at time.Time) (bool, error) {
	stamp := "`closed_at`"
	if to == StatusPaid {
		stamp = "`paid_at`"
	}
	q := fmt.Sprintf("update %s set `status` = ?, %s = ?, `pending_slot` = null where `id` = ? and `status` = ?", m.table, stamp)
	res, err := s.ExecCtx(ctx, q, to, at.UTC(), id, from)
	if err != nil {
		return false, fmt.Errorf("order %d %s -> %s: %w", id, from, to, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("order %d %s -> %s: %w", id, from, to, err)
	}
	return n == 1, nil
}

func (m *customOrdersModel) ListByUser(ctx context.Context, userID int64, status string, offset, limit int64) ([]*Orders, int64, error) {
	where, args := "`user_id` = ?", []any{userID}
	if status != "" {
		where, args = where+" and `status` = ?", append(args, status)
	}
	var total int64
	if err := m.QueryRowNoCacheCtx(ctx, &total, fmt.Sprintf("select count(*) from %s where %s", m.table, where), args...); err != nil {
		return nil, 0, fmt.Errorf("count orders of user %d: %w", userID, err)
	}
	var list []*Orders
	q := fmt.Sprintf("select %s from %s where %s order by `id` desc limit ? offset ?", ordersRows, m.table, where)
	if err := m.QueryRowsNoCacheCtx(ctx, &list, q, append(args, limit, offset)...); err != nil {
		return nil, 0, fmt.Errorf("list orders of user %d: %w", userID, err)
	}
	return list, total, nil
}

func (m *customOrdersModel) FindPendingBefore(ctx context.Context, t, now time.Time, limit int) ([]*Orders, error) {
	var list []*Orders
	q := fmt.Sprintf("select %s from %s where `status` = ? and `created_at` < ?"+
		" and (`payment_deadline` is null or `payment_deadline` <= ?) order by `created_at` limit ?", ordersRows, m.table)
	if err := m.QueryRowsNoCacheCtx(ctx, &list, q, StatusPending, t.UTC(), now.UTC(), limit); err != nil {
		return nil, fmt.Errorf("find pending orders before %s: %w", t, err)
	}
	return list, nil
}

func (m *customOrdersModel) PendingSlotsTx(ctx context.Context, s sqlx.Session, userID int64) ([]int64, error) {
	var slots []int64
	q := fmt.Sprintf("select `pending_slot` from %s where `user_id` = ? and `pending_slot` is not null", m.table)
	if err := s.QueryRowsCtx(ctx, &slots, q, userID); err != nil {
		return nil, fmt.Errorf("read pending slots of user %d: %w", userID, err)
	}
	return slots, nil
}

func (m *customOrdersModel) HoldTx(ctx context.Context, s sqlx.Session, id int64, until time.Time) error {
	q := fmt.Sprintf("update %s set `payment_deadline` = greatest(coalesce(`payment_deadline`, ?), ?) where `id` = ?", m.table)
	if _, err := s.ExecCtx(ctx, q, until.UTC(), until.UTC(), id); err != nil {
		return fmt.Errorf("hold order %d: %w", id, err)
	}
	return nil
}

func wroteKey(userID int64) string { return fmt.Sprintf("cache:order:orders:wrote:%d", userID) }

func (m *customOrdersModel) NoteWriteBy(ctx context.Context, userID int64, ttl time.Duration) error {
	return m.SetCacheWithExpireCtx(ctx, wroteKey(userID), 1, ttl)
}

func (m *customOrdersModel) WroteRecently(ctx context.Context, userID int64) (bool, error) {
	var v int
	switch err := m.GetCacheCtx(ctx, wroteKey(userID), &v); {
	case err == nil:
		return true, nil
	case errors.Is(err, sqlx.ErrNotFound):
		return false, nil
	default:
		return false, err
	}
}
