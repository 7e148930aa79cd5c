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

// ListProducts returns the catalogue (served from cache).
func (l *ListProductsLogic) ListProducts(in *order.ListProductsReq) (*order.ListProductsResp, error) {
	products, err := l.svcCtx.Orders.Products(l.ctx)
	if err != nil {
		return nil, err
	}
	resp := &order.ListProductsResp{Items: make([]*order.Product, len(products))}
	for i, p := range products {
		resp.Items[i] = &order.Product{Id: p.Id, Sku: p.Sku, Title: p.Title, Price: p.Price, Stock: p.Stock}
	}
	return resp, nil
}
