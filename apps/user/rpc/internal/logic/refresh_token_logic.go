package logic

import (
	"context"

	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"

	"github.com/zeromicro/go-zero/core/logx"
)

type RefreshTokenLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewRefreshTokenLogic(ctx context.Context, svcCtx *svc.ServiceContext) *RefreshTokenLogic {
	return &RefreshTokenLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// RefreshToken trades a refresh token for a new pair. A refresh token works once: presenting a
func (l *RefreshTokenLogic) RefreshToken(in *user.RefreshTokenReq) (*user.TokenResp, error) {
	pair, err := l.svcCtx.Sessions.Refresh(l.ctx, in.RefreshToken)
	if err != nil {
		return nil, err
	}
	return &user.TokenResp{Token: toToken(pair)}, nil
}
