package model

import (
	"context"
	"database/sql"
	"fmt"

	"zeromall/pkg/cachex"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Values of users.status.
const (
	UserActive   int64 = 1
	UserDisabled int64 = 2
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

// FindOne is the cached read, falling back to MySQL when Redis is unavailable.
func (m *customUsersModel) FindOne(ctx context.Context, id int64) (*Users, error) {
	return cachex.Read(ctx, func(ctx context.Context) (*Users, error) { return m.defaultUsersModel.FindOne(ctx, id) },
		func() (*Users, error) { return m.findDirect(ctx, "id", id) })
}

// FindOneByEmail is the cached read, falling back to MySQL when Redis is unavailable.
func (m *customUsersModel) FindOneByEmail(ctx context.Context, email string) (*Users, error) {
	return cachex.Read(ctx, func(ctx context.Context) (*Users, error) { return m.defaultUsersModel.FindOneByEmail(ctx, email) },
		func() (*Users, error) { return m.findDirect(ctx, "email", email) })
}

func (m *customUsersModel) FindOneByEmailNoCache(ctx context.Context, email string) (*Users, error) {
	return m.findDirect(ctx, "email", email)
}

func (m *customUsersModel) findDirect(ctx context.Context, column string, value any) (*Users, error) {
	var u Users
	q := fmt.Sprintf("select %s from %s where `%s` = ? limit 1", usersRows, m.table, column)
	if err := m.QueryRowNoCacheCtx(ctx, &u, q, value); err != nil {
		return nil, err
	}
	return &u, nil
}

// UpdateProfile does not read through the cache first (the generated Update does, and fails
// while Redis is down); the email never changes, so the keys to invalidate are known.
func (m *customUsersModel) UpdateProfile(ctx context.Context, u *Users) error {
	_, err := m.ExecCtx(ctx, func(ctx context.Context, conn sqlx.SqlConn) (sql.Result, error) {
		q := fmt.Sprintf("update %s set `nickname` = ? where `id` = ?", m.table)
		return conn.ExecCtx(ctx, q, u.Nickname, u.Id)
	}, fmt.Sprintf("%s%v", cache_userUsersIdPrefix, u.Id), fmt.Sprintf("%s%v", cache_userUsersEmailPrefix, u.Email))
	return err
}
