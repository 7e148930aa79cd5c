package logic

import (
	"context"

	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"

	"github.com/zeromicro/go-zero/core/logx"
)

type GetOrderLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewGetOrderLogic(ctx context.Context, svcCtx *svc.ServiceContext) *GetOrderLogic {
	return &GetOrderLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// GetOrder reads one order of userId; NotFound for anyone else's.
func (l *GetOrderLogic) GetOrder(in *order.GetOrderReq) (*order.OrderInfo, error) {
	o, err := l.svcCtx.Orders.Get(l.ctx, in.UserId, in.Sn)
	if err != nil {
		return nil, err
	}
	return toOrderInfo(o), nil
}
