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
	OutboxFailed    = "failed" // order-rpc refused it for good; needs a person
)

var _ OutboxModel = (*customOutboxModel)(nil)

type (
	// OutboxModel is an interface to be customized, add more methods here,
	// and implement the added methods in customOutboxModel.
	//
	// Outbox rows are read and written only inside transactions and never cached; times are
	// MySQL's own (NOW(3)), so every relay instance agrees on when a row is due.
	OutboxModel interface {
		outboxModel
		// AddTx queues a message in the transaction that makes it true.
		AddTx(ctx context.Context, s sqlx.Session, topic, payload string) error
		// ClaimDueTx locks up to limit due messages; rows another relay holds are skipped, so
		// concurrent relays never work on the same message.
		ClaimDueTx(ctx context.Context, s sqlx.Session, limit int) ([]*Outbox, error)
		// DeliveredTx marks a message delivered.
		DeliveredTx(ctx context.Context, s sqlx.Session, id int64) error
		// RetryLaterTx records a failed attempt and when to try again.
		RetryLaterTx(ctx context.Context, s sqlx.Session, id int64, after time.Duration, lastErr string) error
		// FailedTx parks a message that can never be delivered.
		FailedTx(ctx context.Context, s sqlx.Session, id int64, lastErr string) error
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

func (m *customOutboxModel) AddTx(ctx context.Context, s sqlx.Session, topic, payload string) error {
	q := fmt.Sprintf("insert into %s (`topic`, `payload`) values (?, ?)", m.table)
	if _, err := s.ExecCtx(ctx, q, topic, payload); err != nil {
		return fmt.Errorf("queue %s: %w", topic, err)
	}
	return nil
}

func (m *customOutboxModel) ClaimDueTx(ctx context.Context, s sqlx.Session, limit int) ([]*Outbox, error) {
	var rows []*Outbox
	q := fmt.Sprintf("select %s from %s where `status` = ? and `next_attempt_at` <= NOW(3) order by `id` limit ? for update skip locked",
		outboxRows, m.table)
	if err := s.QueryRowsCtx(ctx, &rows, q, OutboxPending, limit); err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	return rows, nil
}

func (m *customOutboxModel) DeliveredTx(ctx context.Context, s sqlx.Session, id int64) error {
	q := fmt.Sprintf("update %s set `status` = ?, `attempts` = `attempts` + 1, `delivered_at` = NOW() where `id` = ?", m.table)
	return execErr(s.ExecCtx(ctx, q, OutboxDelivered, id))
}

func (m *customOutboxModel) RetryLaterTx(ctx context.Context, s sqlx.Session, id int64, after time.Duration, lastErr string) error {
	q := fmt.Sprintf("update %s set `attempts` = `attempts` + 1, `next_attempt_at` = NOW(3) + INTERVAL ? MICROSECOND, `last_error` = ? where `id` = ?", m.table)
	return execErr(s.ExecCtx(ctx, q, after.Microseconds(), truncate(lastErr, 255), id))
}

func (m *customOutboxModel) FailedTx(ctx context.Context, s sqlx.Session, id int64, lastErr string) error {
	q := fmt.Sprintf("update %s set `status` = ?, `attempts` = `attempts` + 1, `last_error` = ? where `id` = ?", m.table)
	return execErr(s.ExecCtx(ctx, q, OutboxFailed, truncate(lastErr, 255), id))
}

func affectedOne(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func execErr(_ sql.Result, err error) error {
	return err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
