package logic

import (
	"context"

	"zeromall/apps/order/rpc/internal/orders"
	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"

	"github.com/zeromicro/go-zero/core/logx"
)

type CreateProductLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewCreateProductLogic(ctx context.Context, svcCtx *svc.ServiceContext) *CreateProductLogic {
	return &CreateProductLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// CreateProduct adds a product for sale with its initial stock (order-api's admin routes).
func (l *CreateProductLogic) CreateProduct(in *order.CreateProductReq) (*order.Product, error) {
	p, err := l.svcCtx.Orders.CreateProduct(l.ctx, in.GetAdminId(), orders.NewProduct{
		Sku: in.GetSku(), Title: in.GetTitle(), Price: in.GetPrice(), Stock: in.GetStock(),
	})
	if err != nil {
		return nil, err
	}
	return toProduct(p), nil
}
