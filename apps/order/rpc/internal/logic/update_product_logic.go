package logic

import (
	"context"

	"zeromall/apps/order/rpc/internal/orders"
	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"

	"github.com/zeromicro/go-zero/core/logx"
)

type UpdateProductLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewUpdateProductLogic(ctx context.Context, svcCtx *svc.ServiceContext) *UpdateProductLogic {
	return &UpdateProductLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// UpdateProduct changes a product's title, price or active flag; orders keep what they had.
func (l *UpdateProductLogic) UpdateProduct(in *order.UpdateProductReq) (*order.Product, error) {
	p, err := l.svcCtx.Orders.UpdateProduct(l.ctx, in.GetAdminId(), in.GetId(), orders.ProductChange{
		Title: in.Title, Price: in.Price, Active: in.Active,
	})
	if err != nil {
		return nil, err
	}
	return toProduct(p), nil
}
