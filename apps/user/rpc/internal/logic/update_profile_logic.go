package logic

import (
	"context"
	"fmt"

	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"

	"github.com/zeromicro/go-zero/core/logx"
)

type UpdateProfileLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewUpdateProfileLogic(ctx context.Context, svcCtx *svc.ServiceContext) *UpdateProfileLogic {
	return &UpdateProfileLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// UpdateProfile changes the editable profile fields.
func (l *UpdateProfileLogic) UpdateProfile(in *user.UpdateProfileReq) (*user.UserInfo, error) {

	nickname, err := normalizeNickname(in.Nickname)
	if err != nil {
		return nil, err
	}
	u, err := findUser(l.ctx, l.svcCtx, in.Id)
	if err != nil {
		return nil, err
	}
	u.Nickname = nickname
	if err := l.svcCtx.Users.UpdateProfile(l.ctx, u); err != nil {
		return nil, fmt.Errorf("update user %d: %w", u.Id, err)
	}
	return toUserInfo(u), nil
}
