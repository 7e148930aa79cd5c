// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package profile

import (
	"context"

	"zeromall/apps/user/api/internal/logic"
	"zeromall/apps/user/api/internal/svc"
	"zeromall/apps/user/api/internal/types"
	"zeromall/apps/user/rpc/user_client"
	"zeromall/pkg/jwtx"

	"github.com/zeromicro/go-zero/core/logx"
)

type RefreshLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// Mint a fresh access token for the caller.
func NewRefreshLogic(ctx context.Context, svcCtx *svc.ServiceContext) *RefreshLogic {
	return &RefreshLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *RefreshLogic) Refresh() (resp *types.TokenResp, err error) {
	uid, err := jwtx.UID(l.ctx)
	if err != nil {
		return nil, err
	}
	out, err := l.svcCtx.UserRpc.RefreshToken(l.ctx, &user_client.RefreshTokenReq{Id: uid})
	if err != nil {
		return nil, err
	}
	return logic.TokenResp(out.Token), nil
}
