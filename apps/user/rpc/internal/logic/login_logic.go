package logic

import (
	"context"

	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"

	"github.com/zeromicro/go-zero/core/logx"
)

type LoginLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewLoginLogic(ctx context.Context, svcCtx *svc.ServiceContext) *LoginLogic {
	return &LoginLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// Login checks a password (failures limited per account, attempts per client IP) and opens a session.
func (l *LoginLogic) Login(in *user.LoginReq) (*user.TokenResp, error) {
	pair, err := l.svcCtx.Accounts.Login(l.ctx, in.Email, in.Password, in.ClientIp)
	if err != nil {
		return nil, err
	}
	return &user.TokenResp{Token: toToken(pair)}, nil
}
