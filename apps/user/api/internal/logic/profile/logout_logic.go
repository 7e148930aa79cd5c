// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package profile

import (
	"context"

	"zeromall/apps/user/api/internal/svc"
	"zeromall/apps/user/api/internal/types"
	"zeromall/apps/user/rpc/user_client"
	"zeromall/pkg/session"

	"github.com/zeromicro/go-zero/core/logx"
)

type LogoutLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// End the caller's session at once: its access and refresh tokens answer 401 at every gateway from then on.
func NewLogoutLogic(ctx context.Context, svcCtx *svc.ServiceContext) *LogoutLogic {
	return &LogoutLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *LogoutLogic) Logout(req *types.LogoutReq) (resp *types.LogoutResp, err error) {
	caller, err := session.Caller(l.ctx)
	if err != nil {
		return nil, err
	}
	if _, err := l.svcCtx.UserRpc.Logout(l.ctx, &user_client.LogoutReq{UserId: caller.UserID, SessionId: caller.SessionID}); err != nil {
		return nil, err
	}
	return &types.LogoutResp{}, nil
}
