package model

import (
	"context"
	"fmt"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Values of users.status.
const (
	UserActive   int64 = 1
	UserDisabled int64 = 2
)

// Values of users.role; the role travels in access tokens (pkg/session).
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
		// UpdateProfileTx writes the editable profile fields inside a transaction.
		UpdateProfileTx(ctx context.Context, s sqlx.Session, u *Users) error
		// FindOneByEmailNoCache reads an account straight from MySQL, for login: a bcrypt check
		// costs far more than the query, and a status or password changed outside the service
		// (in SQL, bypassing the cache) must count at once.
		FindOneByEmailNoCache(ctx context.Context, email string) (*Users, error)
		// SetRoleTx writes u's role inside a transaction.
		SetRoleTx(ctx context.Context, s sqlx.Session, u *Users, role string) error
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

// UpdateProfileTx writes one column per editable profile field (user-rpc's accounts.Profile; a new
// field is added here too, doc/codegen.md).
func (m *customUsersModel) UpdateProfileTx(ctx context.Context, s sqlx.Session, u *Users) error {
	q := fmt.Sprintf("update %s set `nickname` = ? where `id` = ?", m.table)
	_, err := s.ExecCtx(ctx, q, u.Nickname, u.Id)
	return err
}

func (m *customUsersModel) SetRoleTx(ctx context.Context, s sqlx.Session, u *Users, role string) error {
	q := fmt.Sprintf("update %s set `role` = ? where `id` = ?", m.table)
	_, err := s.ExecCtx(ctx, q, role, u.Id)
	return err
}
