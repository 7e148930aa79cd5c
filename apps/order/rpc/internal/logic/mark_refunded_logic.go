package logic

import (
	"context"

	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"

	"github.com/zeromicro/go-zero/core/logx"
)

type MarkRefundedLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewMarkRefundedLogic(ctx context.Context, svcCtx *svc.ServiceContext) *MarkRefundedLogic {
	return &MarkRefundedLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// MarkRefunded moves a paid order to refunded and restocks it. Idempotent.
func (l *MarkRefundedLogic) MarkRefunded(in *order.MarkRefundedReq) (*order.OrderInfo, error) {
	o, err := l.svcCtx.Orders.MarkRefunded(l.ctx, in.Sn)
	if err != nil {
		return nil, err
	}
	return toOrderInfo(o), nil
}
