package logic

import (
	"context"

	"zeromall/apps/user/rpc/internal/svc"
	"zeromall/apps/user/rpc/user"

	"github.com/zeromicro/go-zero/core/logx"
)

type CheckSessionLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewCheckSessionLogic(ctx context.Context, svcCtx *svc.ServiceContext) *CheckSessionLogic {
	return &CheckSessionLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// CheckSession is asked by every gateway for every authenticated request: OK while the session
func (l *CheckSessionLogic) CheckSession(in *user.CheckSessionReq) (*user.CheckSessionResp, error) {
	if err := l.svcCtx.Sessions.Check(l.ctx, in.UserId, in.SessionId); err != nil {
		return nil, err
	}
	return &user.CheckSessionResp{}, nil
}
