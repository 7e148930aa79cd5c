package logic

import (
	"context"

	"zeromall/apps/user/rpc/internal/accounts"
	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"

	"github.com/zeromicro/go-zero/core/logx"
)

type RegisterLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewRegisterLogic(ctx context.Context, svcCtx *svc.ServiceContext) *RegisterLogic {
	return &RegisterLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// Register creates an account (limited per client IP) and opens its first session.
func (l *RegisterLogic) Register(in *user.RegisterReq) (*user.RegisterResp, error) {
	u, pair, err := l.svcCtx.Accounts.Register(l.ctx, in.Email, in.Password, accounts.Profile{Nickname: in.Nickname}, in.ClientIp)
	if err != nil {
		return nil, err
	}
	return &user.RegisterResp{Id: u.ID, Token: toToken(pair)}, nil
}
