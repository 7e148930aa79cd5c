package logic

import (
	"context"

	"zeromall/apps/user/rpc/internal/sessions"
	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"

	"github.com/zeromicro/go-zero/core/logx"
)

type LogoutLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewLogoutLogic(ctx context.Context, svcCtx *svc.ServiceContext) *LogoutLogic {
	return &LogoutLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// Logout ends a session at once: its access and refresh tokens stop working everywhere.
func (l *LogoutLogic) Logout(in *user.LogoutReq) (*user.LogoutResp, error) {
	if err := l.svcCtx.Sessions.End(l.ctx, in.UserId, in.SessionId, sessions.ReasonLogout); err != nil {
		return nil, err
	}
	return &user.LogoutResp{}, nil
}
