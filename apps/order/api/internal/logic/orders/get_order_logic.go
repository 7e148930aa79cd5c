// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package orders

import (
	"context"

	"zeromall/apps/order/api/internal/logic"
	"zeromall/apps/order/api/internal/svc"
	"zeromall/apps/order/api/internal/types"
	"zeromall/apps/order/rpc/order_client"
	"zeromall/pkg/session"

	"github.com/zeromicro/go-zero/core/logx"
)

type GetOrderLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// One of the caller's orders; 404 for anyone else's.
func NewGetOrderLogic(ctx context.Context, svcCtx *svc.ServiceContext) *GetOrderLogic {
	return &GetOrderLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *GetOrderLogic) GetOrder(req *types.OrderSnReq) (resp *types.Order, err error) {
	uid, err := session.UID(l.ctx)
	if err != nil {
		return nil, err
	}
	out, err := l.svcCtx.OrderRpc.GetOrder(l.ctx, &order_client.GetOrderReq{Sn: req.Sn, UserId: uid})
	if err != nil {
		return nil, err
	}
	return logic.Order(out), nil
}
