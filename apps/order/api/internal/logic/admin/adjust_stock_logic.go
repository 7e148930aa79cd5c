// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package admin

import (
	"context"

	"zeromall/apps/order/api/internal/logic"
	"zeromall/apps/order/api/internal/svc"
	"zeromall/apps/order/api/internal/types"
	"zeromall/apps/order/rpc/order_client"
	"zeromall/pkg/session"

	"github.com/zeromicro/go-zero/core/logx"
)

type AdjustStockLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// Add or remove stock, recorded in the stock ledger; 409 when stock would go below zero. Needs an admin's access token.
func NewAdjustStockLogic(ctx context.Context, svcCtx *svc.ServiceContext) *AdjustStockLogic {
	return &AdjustStockLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *AdjustStockLogic) AdjustStock(req *types.AdjustStockReq) (resp *types.Product, err error) {
	admin, err := session.UID(l.ctx)
	if err != nil {
		return nil, err
	}
	p, err := l.svcCtx.OrderRpc.AdjustStock(l.ctx, &order_client.AdjustStockReq{
		AdminId: admin, Id: req.Id, Delta: req.Delta, Reason: req.Reason,
	})
	if err != nil {
		return nil, err
	}
	out := logic.Product(p)
	return &out, nil
}
