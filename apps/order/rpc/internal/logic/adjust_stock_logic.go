package logic

import (
	"context"

	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"

	"github.com/zeromicro/go-zero/core/logx"
)

type AdjustStockLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewAdjustStockLogic(ctx context.Context, svcCtx *svc.ServiceContext) *AdjustStockLogic {
	return &AdjustStockLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// AdjustStock adds (delta > 0) or removes units, recorded in the stock ledger with the reason.
func (l *AdjustStockLogic) AdjustStock(in *order.AdjustStockReq) (*order.Product, error) {
	p, err := l.svcCtx.Orders.AdjustStock(l.ctx, in.GetAdminId(), in.GetId(), in.GetDelta(), in.GetReason())
	if err != nil {
		return nil, err
	}
	return toProduct(p), nil
}
