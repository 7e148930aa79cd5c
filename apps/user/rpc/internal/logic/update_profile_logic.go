package logic

import (
	"context"

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
	u, err := l.svcCtx.Accounts.UpdateProfile(l.ctx, in.Id, toProfile(in))
	if err != nil {
		return nil, err
	}
	return toUserInfo(u), nil
}
