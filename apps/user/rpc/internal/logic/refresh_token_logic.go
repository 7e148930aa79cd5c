package logic

import (
	"context"
	"errors"

	"zeromall/apps/user/model"
	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/xerr"

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

// RefreshToken mints a new token for an active user.
func (l *RefreshTokenLogic) RefreshToken(in *user.RefreshTokenReq) (*user.TokenResp, error) {

	u, err := findUser(l.ctx, l.svcCtx, in.Id)
	if errors.Is(err, xerr.ErrUserNotFound) {
		return nil, xerr.ErrUnauthorized
	}
	if err != nil {
		return nil, err
	}
	if u.Status != model.UserActive {
		return nil, xerr.ErrAccountDisabled
	}
	token, err := mintToken(l.svcCtx, u.Id)
	if err != nil {
		return nil, err
	}
	return &user.TokenResp{Token: token}, nil
}
