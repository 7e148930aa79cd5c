// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package profile

import (
	"context"

	"zeromall/apps/user/api/internal/logic"
	"zeromall/apps/user/api/internal/svc"
	"zeromall/apps/user/api/internal/types"
	"zeromall/apps/user/rpc/user_client"
	"zeromall/pkg/session"

	"github.com/zeromicro/go-zero/core/logx"
)

type GetMeLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// The caller's profile.
func NewGetMeLogic(ctx context.Context, svcCtx *svc.ServiceContext) *GetMeLogic {
	return &GetMeLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *GetMeLogic) GetMe() (resp *types.ProfileResp, err error) {
	uid, err := session.UID(l.ctx)
	if err != nil {
		return nil, err
	}
	u, err := l.svcCtx.UserRpc.GetUser(l.ctx, &user_client.GetUserReq{Id: uid})
	if err != nil {
		return nil, err
	}
	return logic.Profile(u), nil
}
