// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package profile

import (
	"context"

	"zeromall/apps/user/api/internal/logic"
	"zeromall/apps/user/api/internal/svc"
	"zeromall/apps/user/api/internal/types"
	"zeromall/pkg/session"

	"github.com/zeromicro/go-zero/core/logx"
)

type UpdateMeLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// Update the caller's nickname; returns the new profile.
func NewUpdateMeLogic(ctx context.Context, svcCtx *svc.ServiceContext) *UpdateMeLogic {
	return &UpdateMeLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *UpdateMeLogic) UpdateMe(req *types.UpdateProfileReq) (resp *types.ProfileResp, err error) {
	uid, err := session.UID(l.ctx)
	if err != nil {
		return nil, err
	}
	u, err := l.svcCtx.UserRpc.UpdateProfile(l.ctx, logic.UpdateProfileReq(uid, req))
	if err != nil {
		return nil, err
	}
	return logic.Profile(u), nil
}
