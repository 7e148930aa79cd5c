// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package orders

import (
	"context"

	"zeromall/apps/order/api/internal/logic"
	"zeromall/apps/order/api/internal/svc"
	"zeromall/apps/order/api/internal/types"
	"zeromall/apps/order/rpc/order_client"
	"zeromall/pkg/session"

	"github.com/zeromicro/go-zero/core/logx"
)

type ListOrdersLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// The caller's orders, newest first.
func NewListOrdersLogic(ctx context.Context, svcCtx *svc.ServiceContext) *ListOrdersLogic {
	return &ListOrdersLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *ListOrdersLogic) ListOrders(req *types.ListOrdersReq) (resp *types.ListOrdersResp, err error) {
	uid, err := session.UID(l.ctx)
	if err != nil {
		return nil, err
	}
	status, err := logic.ParseOrderStatus(req.Status)
	if err != nil {
		return nil, err
	}
	out, err := l.svcCtx.OrderRpc.ListOrders(l.ctx, &order_client.ListOrdersReq{
		UserId:   uid,
		Page:     req.Page,
		PageSize: req.PageSize,
		Status:   status,
	})
	if err != nil {
		return nil, err
	}
	resp = &types.ListOrdersResp{Total: out.Total, Items: make([]types.Order, len(out.Items))}
	for i, o := range out.Items {
		resp.Items[i] = *logic.Order(o)
	}
	return resp, nil
}
