// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package catalogue

import (
	"context"

	"zeromall/apps/order/api/internal/logic"
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

// One page of the products for sale, by id, with prices (cents) and stock; follow nextCursor for the next.
func NewListProductsLogic(ctx context.Context, svcCtx *svc.ServiceContext) *ListProductsLogic {
	return &ListProductsLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *ListProductsLogic) ListProducts(req *types.ProductsReq) (resp *types.ProductsResp, err error) {
	out, err := l.svcCtx.OrderRpc.ListProducts(l.ctx, &order_client.ListProductsReq{Cursor: req.Cursor, Limit: req.Limit})
	if err != nil {
		return nil, err
	}
	resp = &types.ProductsResp{Items: make([]types.Product, len(out.Items)), NextCursor: out.NextCursor}
	for i, p := range out.Items {
		resp.Items[i] = logic.Product(p)
	}
	return resp, nil
}
