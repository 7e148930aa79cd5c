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

type ListStockLedgerLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// A product's stock changes (orders, cancels, refunds, auto-cancels, adjustments), newest first. Needs an admin's access token.
func NewListStockLedgerLogic(ctx context.Context, svcCtx *svc.ServiceContext) *ListStockLedgerLogic {
	return &ListStockLedgerLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *ListStockLedgerLogic) ListStockLedger(req *types.LedgerReq) (resp *types.LedgerResp, err error) {
	if _, err := session.UID(l.ctx); err != nil {
		return nil, err
	}
	out, err := l.svcCtx.OrderRpc.ListStockLedger(l.ctx, &order_client.ListStockLedgerReq{Id: req.Id, Cursor: req.Cursor, Limit: req.Limit})
	if err != nil {
		return nil, err
	}
	resp = &types.LedgerResp{Items: make([]types.StockChange, len(out.Items)), NextCursor: out.NextCursor}
	for i, c := range out.Items {
		resp.Items[i] = types.StockChange{Delta: c.Delta, Kind: c.Kind, Reason: c.Reason, OrderSn: c.OrderSn, AdminId: c.AdminId,
			CreatedAt: stamp(c.CreatedAt)}
	}
	return resp, nil
}
