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

type CancelOrderLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// Cancel a pending order and restock it; 409 once it is no longer pending.
func NewCancelOrderLogic(ctx context.Context, svcCtx *svc.ServiceContext) *CancelOrderLogic {
	return &CancelOrderLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *CancelOrderLogic) CancelOrder(req *types.OrderSnReq) (resp *types.Order, err error) {
	uid, err := session.UID(l.ctx)
	if err != nil {
		return nil, err
	}
	out, err := l.svcCtx.OrderRpc.CancelOrder(l.ctx, &order_client.CancelOrderReq{Sn: req.Sn, UserId: uid})
	if err != nil {
		return nil, err
	}
	return logic.Order(out), nil
}
