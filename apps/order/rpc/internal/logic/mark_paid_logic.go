package logic

import (
	"context"
	"time"

	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"

	"github.com/zeromicro/go-zero/core/logx"
)

type MarkPaidLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewMarkPaidLogic(ctx context.Context, svcCtx *svc.ServiceContext) *MarkPaidLogic {
	return &MarkPaidLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// MarkPaid moves a pending order to paid. Idempotent: an already paid order is a success.
func (l *MarkPaidLogic) MarkPaid(in *order.MarkPaidReq) (*order.OrderInfo, error) {
	paidAt := time.Now()
	if in.PaidAt > 0 {
		paidAt = time.Unix(in.PaidAt, 0)
	}
	o, err := l.svcCtx.Orders.MarkPaid(l.ctx, in.Sn, paidAt)
	if err != nil {
		return nil, err
	}
	return toOrderInfo(o), nil
}
