// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package admin

import (
	"context"

	"zeromall/apps/order/api/internal/svc"
	"zeromall/apps/order/api/internal/types"
	"zeromall/apps/order/rpc/order_client"
	"zeromall/pkg/session"

	"github.com/zeromicro/go-zero/core/logx"
)

type GetProductSalesLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// A product's sales: units sold and refunded, net revenue, paid orders. Built from the order events, so a payment shows here a moment after its order is paid. Needs an admin's access token.
func NewGetProductSalesLogic(ctx context.Context, svcCtx *svc.ServiceContext) *GetProductSalesLogic {
	return &GetProductSalesLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *GetProductSalesLogic) GetProductSales(req *types.ProductIdReq) (resp *types.ProductSales, err error) {
	if _, err := session.UID(l.ctx); err != nil {
		return nil, err
	}
	out, err := l.svcCtx.OrderRpc.GetProductSales(l.ctx, &order_client.GetProductReq{Id: req.Id})
	if err != nil {
		return nil, err
	}
	resp = &types.ProductSales{ProductId: out.ProductId, UnitsSold: out.UnitsSold, UnitsRefunded: out.UnitsRefunded,
		Revenue: out.Revenue, Orders: out.Orders}
	if out.UpdatedAt > 0 {
		resp.UpdatedAt = stamp(out.UpdatedAt)
	}
	return resp, nil
}
