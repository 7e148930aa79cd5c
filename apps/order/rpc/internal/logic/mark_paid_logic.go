package logic

import (
	"context"
	"time"

	"zeromall/apps/order/model"
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
	o, err := findOrder(l.ctx, l.svcCtx, in.Sn, 0)
	if err != nil {
		return nil, err
	}
	paidAt := time.Now()
	if in.PaidAt > 0 {
		paidAt = time.Unix(in.PaidAt, 0)
	}
	// Already paid is a success: the payment service retries until it hears back.
	if _, err := moveOrder(l.ctx, l.svcCtx, o, model.StatusPaid, paidAt); err != nil {
		return nil, err
	}
	return orderInfo(l.ctx, l.svcCtx, o)
}
