package logic

import (
	"context"

	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"

	"github.com/zeromicro/go-zero/core/logx"
)

type ListStockLedgerLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewListStockLedgerLogic(ctx context.Context, svcCtx *svc.ServiceContext) *ListStockLedgerLogic {
	return &ListStockLedgerLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// ListStockLedger pages through a product's stock changes, newest first.
func (l *ListStockLedgerLogic) ListStockLedger(in *order.ListStockLedgerReq) (*order.ListStockLedgerResp, error) {
	changes, next, err := l.svcCtx.Orders.Ledger(l.ctx, in.GetId(), in.GetCursor(), in.GetLimit())
	if err != nil {
		return nil, err
	}
	resp := &order.ListStockLedgerResp{Items: make([]*order.StockChange, len(changes)), NextCursor: next}
	for i, c := range changes {
		resp.Items[i] = &order.StockChange{Delta: c.Delta, Kind: c.Kind, Reason: c.Reason, OrderSn: c.OrderSn,
			AdminId: c.AdminID, CreatedAt: c.CreatedAt.UTC().UnixMilli()}
	}
	return resp, nil
}
