// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package account

import (
	"context"

	"zeromall/apps/user/api/internal/logic"
	"zeromall/apps/user/api/internal/svc"
	"zeromall/apps/user/api/internal/types"
	"zeromall/apps/user/rpc/user_client"
	"zeromall/pkg/gateway"

	"github.com/zeromicro/go-zero/core/logx"
)

type RegisterLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// Register an account; returns its id and a first access token. 409 when the email is taken.
func NewRegisterLogic(ctx context.Context, svcCtx *svc.ServiceContext) *RegisterLogic {
	return &RegisterLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *RegisterLogic) Register(req *types.RegisterReq) (resp *types.RegisterResp, err error) {
	out, err := l.svcCtx.UserRpc.Register(l.ctx, &user_client.RegisterReq{
		Email:    req.Email,
		Password: req.Password,
		Nickname: req.Nickname,
		ClientIp: gateway.ClientIP(l.ctx),
	})
	if err != nil {
		return nil, err
	}
	tok := logic.TokenResp(out.Token)
	return &types.RegisterResp{
		Id:            out.Id,
		AccessToken:   tok.AccessToken,
		AccessExpire:  tok.AccessExpire,
		RefreshAfter:  tok.RefreshAfter,
		RefreshToken:  tok.RefreshToken,
		RefreshExpire: tok.RefreshExpire,
	}, nil
}
