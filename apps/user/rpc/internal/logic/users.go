package logic

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"zeromall/apps/user/model"
	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/xerr"

	"golang.org/x/crypto/bcrypt"
)

func findUser(ctx context.Context, svcCtx *svc.ServiceContext, id int64) (*model.Users, error) {
	if id <= 0 {
		return nil, xerr.Field("id", "must be positive")
	}
	u, err := svcCtx.Users.FindOne(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil, xerr.ErrUserNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find user %d: %w", id, err)
	}
	return u, nil
}

func toUserInfo(u *model.Users) *user.UserInfo {
	return &user.UserInfo{
		Id:        u.Id,
		Email:     u.Email,
		Nickname:  u.Nickname,
		Status:    u.Status,
		CreatedAt: u.CreatedAt.UTC().Unix(),
	}
}

var (
	dummyOnce sync.Once
	dummy     []byte
)

// dummyHash is a bcrypt hash of a random-looking password at the configured cost, compared
// against when an email is unknown.
func dummyHash(cost int) []byte {
	dummyOnce.Do(func() {
		dummy, _ = bcrypt.GenerateFromPassword([]byte("zeromall-no-such-user-password"), cost)
	})
	return dummy
}
