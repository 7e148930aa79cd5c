package model

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

var _ SessionsModel = (*customSessionsModel)(nil)

type (
	// SessionsModel is an interface to be customized, add more methods here,
	// and implement the added methods in customSessionsModel.
	SessionsModel interface {
		sessionsModel
		// FindState reads what decides whether a session is live (see SessionState) from
		// MySQL; the gateways cache its verdict (pkg/session), not this model.
		FindState(ctx context.Context, id string) (*SessionState, error)
		// FindForRefresh reads a session straight from MySQL.
		FindForRefresh(ctx context.Context, id string) (*Sessions, error)
		// Rotate replaces the refresh token hash if it is still oldHash and the session is not
		// revoked, keeping oldHash as the previous one; false means another refresh won the race
		// (or the session ended).
		Rotate(ctx context.Context, id, oldHash, newHash string) (bool, error)
		// LiveIDs returns the ids of userID's sessions that are neither revoked nor expired.
		LiveIDs(ctx context.Context, userID int64) ([]string, error)
		// PurgeExpiredBefore deletes up to limit sessions that expired before cutoff and returns
		// how many (a revoked session expires too: it is deleted then).
		PurgeExpiredBefore(ctx context.Context, cutoff time.Time, limit int) (int64, error)
		// Revoke ends a session (idempotent).
		Revoke(ctx context.Context, id string, userID int64, reason string) error
	}

	customSessionsModel struct {
		*defaultSessionsModel
	}

	// SessionState is what decides whether a session's access tokens are still good.
	SessionState struct {
		UserId       int64     `db:"user_id"`
		ExpiresAt    time.Time `db:"expires_at"`
		Revoked      bool      `db:"revoked"`
		UserStatus   int64     `db:"user_status"`
		UserRole     string    `db:"user_role"`
		SamePassword bool      `db:"same_password"`
	}
)

// NewSessionsModel returns a model for the database table.
func NewSessionsModel(conn sqlx.SqlConn, c cache.CacheConf, opts ...cache.Option) SessionsModel {
	return &customSessionsModel{
		defaultSessionsModel: newSessionsModel(conn, c, opts...),
	}
}

// PasswordFingerprint identifies a password hash without revealing it; the SQL in FindState
// computes the same value.
func PasswordFingerprint(passwordHash string) string {
	sum := sha256.Sum256([]byte(passwordHash))
	return hex.EncodeToString(sum[:])[:16]
}

func (m *customSessionsModel) FindState(ctx context.Context, id string) (*SessionState, error) {
	var st SessionState
	q := fmt.Sprintf("select s.`user_id`, s.`expires_at`, s.`revoked_at` is not null as `revoked`, u.`status` as `user_status`, u.`role` as `user_role`, "+
		"s.`password_fp` = left(sha2(u.`password_hash`, 256), 16) as `same_password` "+
		"from %s s join `users` u on u.`id` = s.`user_id` where s.`id` = ? limit 1", m.table)
	if err := m.QueryRowNoCacheCtx(ctx, &st, q, id); err != nil {
		return nil, err
	}
	return &st, nil
}

func (m *customSessionsModel) FindForRefresh(ctx context.Context, id string) (*Sessions, error) {
	var s Sessions
	q := fmt.Sprintf("select %s from %s where `id` = ? limit 1", sessionsRows, m.table)
	if err := m.QueryRowNoCacheCtx(ctx, &s, q, id); err != nil {
		return nil, err
	}
	return &s, nil
}

func (m *customSessionsModel) Rotate(ctx context.Context, id, oldHash, newHash string) (bool, error) {
	q := fmt.Sprintf("update %s set `prev_refresh_hash` = `refresh_hash`, `refresh_hash` = ? where `id` = ? and `refresh_hash` = ? and `revoked_at` is null and `expires_at` > utc_timestamp()", m.table)
	res, err := m.ExecNoCacheCtx(ctx, q, newHash, id, oldHash)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (m *customSessionsModel) Revoke(ctx context.Context, id string, userID int64, reason string) error {
	_, err := m.ExecCtx(ctx, func(ctx context.Context, conn sqlx.SqlConn) (sql.Result, error) {
		q := fmt.Sprintf("update %s set `revoked_at` = utc_timestamp(), `revoke_reason` = ? where `id` = ? and `user_id` = ? and `revoked_at` is null", m.table)
		return conn.ExecCtx(ctx, q, reason, id, userID)
	}, fmt.Sprintf("%s%v", cache_userSessionsIdPrefix, id))
	return err
}

func (m *customSessionsModel) LiveIDs(ctx context.Context, userID int64) ([]string, error) {
	var ids []string
	q := fmt.Sprintf("select `id` from %s where `user_id` = ? and `revoked_at` is null and `expires_at` > utc_timestamp()", m.table)
	if err := m.QueryRowsNoCacheCtx(ctx, &ids, q, userID); err != nil {
		return nil, fmt.Errorf("live sessions of user %d: %w", userID, err)
	}
	return ids, nil
}

func (m *customSessionsModel) PurgeExpiredBefore(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	q := fmt.Sprintf("delete from %s where `expires_at` < ? order by `expires_at` limit ?", m.table)
	res, err := m.ExecNoCacheCtx(ctx, q, cutoff.UTC(), limit)
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	return res.RowsAffected()
}
