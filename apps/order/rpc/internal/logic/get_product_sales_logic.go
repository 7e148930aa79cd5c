package logic

import (
	"context"

	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"

	"github.com/zeromicro/go-zero/core/logx"
)

type GetProductSalesLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewGetProductSalesLogic(ctx context.Context, svcCtx *svc.ServiceContext) *GetProductSalesLogic {
	return &GetProductSalesLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// GetProductSales reads a product's sales, folded from order events (order-rpc-sales).
func (l *GetProductSalesLogic) GetProductSales(in *order.GetProductReq) (*order.ProductSales, error) {
	sales, err := l.svcCtx.Orders.Sales(l.ctx, in.GetId())
	if err != nil {
		return nil, err
	}
	out := &order.ProductSales{ProductId: sales.ProductID, UnitsSold: sales.UnitsSold, UnitsRefunded: sales.UnitsRefunded,
		Revenue: sales.Revenue, Orders: sales.Orders}
	if !sales.UpdatedAt.IsZero() {
		out.UpdatedAt = sales.UpdatedAt.UTC().UnixMilli()
	}
	return out, nil
}
