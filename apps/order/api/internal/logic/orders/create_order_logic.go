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

type CreateOrderLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// Create an order; prices come from the catalogue. 409 when a product is out of stock.
func NewCreateOrderLogic(ctx context.Context, svcCtx *svc.ServiceContext) *CreateOrderLogic {
	return &CreateOrderLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *CreateOrderLogic) CreateOrder(req *types.CreateOrderReq) (resp *types.Order, err error) {
	uid, err := session.UID(l.ctx)
	if err != nil {
		return nil, err
	}
	items := make([]*order_client.ItemReq, len(req.Items))
	for i, it := range req.Items {
		items[i] = &order_client.ItemReq{ProductId: it.ProductId, Quantity: it.Quantity}
	}
	out, err := l.svcCtx.OrderRpc.CreateOrder(l.ctx, &order_client.CreateOrderReq{
		UserId:         uid,
		Items:          items,
		IdempotencyKey: req.IdempotencyKey,
	})
	if err != nil {
		return nil, err
	}
	return logic.Order(out), nil
}
