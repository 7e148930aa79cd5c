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
	status, err := statusFilter(in.Status)
	if err != nil {
		return nil, err
	}
	list, total, err := l.svcCtx.Orders.List(l.ctx, in.UserId, status, in.Page, in.PageSize)
	if err != nil {
		return nil, err
	}
	resp := &order.ListOrdersResp{Total: total, Items: make([]*order.OrderInfo, len(list))}
	for i, o := range list {
		resp.Items[i] = toOrderInfo(o)
	}
	return resp, nil
}
