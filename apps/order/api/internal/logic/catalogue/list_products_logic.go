// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package catalogue

import (
	"context"

	"zeromall/apps/order/api/internal/svc"
	"zeromall/apps/order/api/internal/types"
	"zeromall/apps/order/rpc/order_client"

	"github.com/zeromicro/go-zero/core/logx"
)

type ListProductsLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// The catalogue with prices (cents) and stock.
func NewListProductsLogic(ctx context.Context, svcCtx *svc.ServiceContext) *ListProductsLogic {
	return &ListProductsLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *ListProductsLogic) ListProducts() (resp *types.ProductsResp, err error) {
	out, err := l.svcCtx.OrderRpc.ListProducts(l.ctx, &order_client.ListProductsReq{})
	if err != nil {
		return nil, err
	}
	resp = &types.ProductsResp{Items: make([]types.Product, len(out.Items))}
	for i, p := range out.Items {
		resp.Items[i] = types.Product{Id: p.Id, Title: p.Title, Price: p.Price, Stock: p.Stock}
	}
	return resp, nil
}
