package logic

import (
	"context"

	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"

	"github.com/zeromicro/go-zero/core/logx"
)

type ListProductsLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewListProductsLogic(ctx context.Context, svcCtx *svc.ServiceContext) *ListProductsLogic {
	return &ListProductsLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// ListProducts pages through the products for sale by id (served from cache).
func (l *ListProductsLogic) ListProducts(in *order.ListProductsReq) (*order.ListProductsResp, error) {
	products, next, err := l.svcCtx.Orders.Products(l.ctx, in.GetCursor(), in.GetLimit())
	if err != nil {
		return nil, err
	}
	resp := &order.ListProductsResp{Items: make([]*order.Product, len(products)), NextCursor: next}
	for i, p := range products {
		resp.Items[i] = toProduct(p)
	}
	return resp, nil
}
