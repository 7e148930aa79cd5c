package logic

import (
	"context"

	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"

	"github.com/zeromicro/go-zero/core/logx"
)

type CreateOrderLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewCreateOrderLogic(ctx context.Context, svcCtx *svc.ServiceContext) *CreateOrderLogic {
	return &CreateOrderLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// CreateOrder prices the items from the catalogue and takes stock in one transaction.
// With an idempotencyKey, the same key from the same user returns the same order.
func (l *CreateOrderLogic) CreateOrder(in *order.CreateOrderReq) (*order.OrderInfo, error) {
	o, err := l.svcCtx.Orders.Create(l.ctx, in.UserId, toLines(in.Items), in.IdempotencyKey)
	if err != nil {
		return nil, err
	}
	return toOrderInfo(o), nil
}
