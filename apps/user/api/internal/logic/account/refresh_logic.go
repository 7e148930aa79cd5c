// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package account

import (
	"context"

	"zeromall/apps/user/api/internal/logic"
	"zeromall/apps/user/api/internal/svc"
	"zeromall/apps/user/api/internal/types"
	"zeromall/apps/user/rpc/user_client"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
)

type RefreshLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// Trade a refresh token for a new pair. Each refresh token works once: a used one answers 401 and ends its whole session, newer tokens included (a stolen token gives itself away).
func NewRefreshLogic(ctx context.Context, svcCtx *svc.ServiceContext) *RefreshLogic {
	return &RefreshLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *RefreshLogic) Refresh(req *types.RefreshReq) (resp *types.TokenResp, err error) {
	if req.RefreshToken == "" {
		return nil, xerr.Field("refreshToken", "is required")
	}
	out, err := l.svcCtx.UserRpc.RefreshToken(l.ctx, &user_client.RefreshTokenReq{RefreshToken: req.RefreshToken})
	if err != nil {
		return nil, err
	}
	return logic.TokenResp(out.Token), nil
}
