package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/user/model"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// User is an account as the domain answers it. The users row (model.Users) stays in this package
// and in storage.
type User struct {
	ID        int64
	Email     string
	Nickname  string
	Role      string // model.RoleCustomer or model.RoleAdmin
	Status    Status
	CreatedAt time.Time
}

// Status is whether an account may sign in.
type Status uint8

const (
	Active Status = iota + 1
	Disabled
)

// UserRows is the storage accounts needs: goctl's users model (apps/user/model) implements it, and
// svc builds it.
type UserRows interface {
	Insert(ctx context.Context, data *model.Users) (sql.Result, error)
	FindOne(ctx context.Context, id int64) (*model.Users, error)
	FindOneByEmailNoCache(ctx context.Context, email string) (*model.Users, error)
	UpdateProfileTx(ctx context.Context, s sqlx.Session, u *model.Users) error
	SetRoleTx(ctx context.Context, s sqlx.Session, u *model.Users, role string) error
	CacheKeys(data *model.Users) []string
}

// toUser is the one mapping from a users row; a status the domain does not know is 0.
func toUser(u *model.Users) *User {
	status := map[int64]Status{model.UserActive: Active, model.UserDisabled: Disabled}[u.Status]
	return &User{ID: u.Id, Email: u.Email, Nickname: u.Nickname, Role: u.Role, Status: status, CreatedAt: u.CreatedAt}
}

// Get reads one user; ErrUserNotFound when absent.
func (s *Service) Get(ctx context.Context, id int64) (*User, error) {
	u, err := s.find(ctx, id)
	if err != nil {
		return nil, err
	}
	return toUser(u), nil
}

func (s *Service) find(ctx context.Context, id int64) (*model.Users, error) {
	if id <= 0 {
		return nil, xerr.Field("id", "must be positive")
	}
	u, err := s.users.FindOne(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil, xerr.ErrUserNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find user %d: %w", id, err)
	}
	return u, nil
}
