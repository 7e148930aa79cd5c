package logic

import (
	"context"

	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"

	"github.com/zeromicro/go-zero/core/logx"
)

type CancelOrderLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewCancelOrderLogic(ctx context.Context, svcCtx *svc.ServiceContext) *CancelOrderLogic {
	return &CancelOrderLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// CancelOrder cancels a pending order of userId and restocks it.
func (l *CancelOrderLogic) CancelOrder(in *order.CancelOrderReq) (*order.OrderInfo, error) {
	o, err := l.svcCtx.Orders.Cancel(l.ctx, in.UserId, in.Sn)
	if err != nil {
		return nil, err
	}
	return toOrderInfo(o), nil
}
