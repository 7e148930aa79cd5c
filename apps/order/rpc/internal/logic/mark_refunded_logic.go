package logic

import (
	"context"
	"time"

	"zeromall/apps/order/model"
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
	o, err := findOrder(l.ctx, l.svcCtx, in.Sn, 0)
	if err != nil {
		return nil, err
	}
	// Already refunded is a success: the payment service retries until it hears back.
	if _, err := moveOrder(l.ctx, l.svcCtx, o, model.StatusRefunded, time.Now()); err != nil {
		return nil, err
	}
	return orderInfo(l.ctx, l.svcCtx, o)
}
