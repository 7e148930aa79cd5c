package logic

import (
	"context"

	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"

	"github.com/zeromicro/go-zero/core/logx"
)

type GetUserLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewGetUserLogic(ctx context.Context, svcCtx *svc.ServiceContext) *GetUserLogic {
	return &GetUserLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// GetUser reads one user; NotFound when absent.
func (l *GetUserLogic) GetUser(in *user.GetUserReq) (*user.UserInfo, error) {
	u, err := l.svcCtx.Accounts.Get(l.ctx, in.Id)
	if err != nil {
		return nil, err
	}
	return toUserInfo(u), nil
}
