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

type LoginLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// Log in; 401 for a wrong email or password (never says which), 429 after too many attempts.
func NewLoginLogic(ctx context.Context, svcCtx *svc.ServiceContext) *LoginLogic {
	return &LoginLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *LoginLogic) Login(req *types.LoginReq) (resp *types.TokenResp, err error) {
	out, err := l.svcCtx.UserRpc.Login(l.ctx, &user_client.LoginReq{
		Email:    req.Email,
		Password: req.Password,
		ClientIp: gateway.ClientIP(l.ctx),
	})
	if err != nil {
		return nil, err
	}
	return logic.TokenResp(out.Token), nil
}
