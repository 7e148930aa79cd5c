package logic

import (
	"context"

	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"

	"github.com/zeromicro/go-zero/core/logx"
)

type ListOrdersLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewListOrdersLogic(ctx context.Context, svcCtx *svc.ServiceContext) *ListOrdersLogic {
	return &ListOrdersLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// ListOrders pages through userId's orders, newest first.
func (l *ListOrdersLogic) ListOrders(in *order.ListOrdersReq) (*order.ListOrdersResp, error) {
	if err := checkUserID(in.UserId); err != nil {
		return nil, err
	}
	page, pageSize, err := checkPaging(in.Page, in.PageSize, in.Status)
	if err != nil {
		return nil, err
	}
	orders, total, err := l.svcCtx.Orders.ListByUser(l.ctx, in.UserId, in.Status, (page-1)*pageSize, pageSize)
	if err != nil {
		return nil, err
	}
	orderIDs := make([]int64, len(orders))
	for i, o := range orders {
		orderIDs[i] = o.Id
	}
	items, err := l.svcCtx.OrderItems.ListByOrders(l.ctx, orderIDs)
	if err != nil {
		return nil, err
	}
	resp := &order.ListOrdersResp{Total: total, Items: make([]*order.OrderInfo, len(orders))}
	for i, o := range orders {
		resp.Items[i] = toOrderInfo(o, items[o.Id])
	}
	return resp, nil
}
