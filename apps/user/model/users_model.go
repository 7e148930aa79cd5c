package model

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Values of users.status.
const (
	UserActive   int64 = 1
	UserDisabled int64 = 2
)

// Values of users.role; the role travels in access tokens (pkg/jwtx).
const (
	RoleCustomer = "customer"
	RoleAdmin    = "admin"
)

var _ UsersModel = (*customUsersModel)(nil)

type (
	// UsersModel is an interface to be customized, add more methods here,
	// and implement the added methods in customUsersModel.
	UsersModel interface {
		usersModel
		// UpdateProfile writes the editable profile fields and invalidates the cached rows.
		UpdateProfile(ctx context.Context, u *Users) error
		// FindOneByEmailNoCache reads an account straight from MySQL, for login: a bcrypt check
		// costs far more than the query, and a status or password changed outside the service
		// (in SQL, bypassing the cache) must count at once.
		FindOneByEmailNoCache(ctx context.Context, email string) (*Users, error)
		// SetRole writes u's role and invalidates the cached rows.
		SetRole(ctx context.Context, u *Users, role string) error
	}

	customUsersModel struct {
		*defaultUsersModel
	}
)

// NewUsersModel returns a model for the database table.
func NewUsersModel(conn sqlx.SqlConn, c cache.CacheConf, opts ...cache.Option) UsersModel {
	return &customUsersModel{
		defaultUsersModel: newUsersModel(conn, c, opts...),
	}
}

func (m *customUsersModel) FindOneByEmailNoCache(ctx context.Context, email string) (*Users, error) {
	var u Users
	q := fmt.Sprintf("select %s from %s where `email` = ? limit 1", usersRows, m.table)
	if err := m.QueryRowNoCacheCtx(ctx, &u, q, email); err != nil {
		return nil, err
	}
	return &u, nil
}

// UpdateProfile writes one column per editable profile field (user-rpc's accounts.Profile; a new
// field is added here too, doc/codegen.md). It does not read through the cache first (the
// generated Update does, and fails while Redis is down); the email never changes, so the keys to
// invalidate are known.
func (m *customUsersModel) UpdateProfile(ctx context.Context, u *Users) error {
	_, err := m.ExecCtx(ctx, func(ctx context.Context, conn sqlx.SqlConn) (sql.Result, error) {
		q := fmt.Sprintf("update %s set `nickname` = ? where `id` = ?", m.table)
		return conn.ExecCtx(ctx, q, u.Nickname, u.Id)
	}, fmt.Sprintf("%s%v", cache_userUsersIdPrefix, u.Id), fmt.Sprintf("%s%v", cache_userUsersEmailPrefix, u.Email))
	return err
}

func (m *customUsersModel) SetRole(ctx context.Context, u *Users, role string) error {
	_, err := m.ExecCtx(ctx, func(ctx context.Context, conn sqlx.SqlConn) (sql.Result, error) {
		q := fmt.Sprintf("update %s set `role` = ? where `id` = ?", m.table)
		return conn.ExecCtx(ctx, q, role, u.Id)
	}, fmt.Sprintf("%s%v", cache_userUsersIdPrefix, u.Id), fmt.Sprintf("%s%v", cache_userUsersEmailPrefix, u.Email))
	if err != nil {
		return err
	}
	u.Role = role
	return nil
}
