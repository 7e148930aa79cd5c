package logic

import (
	"context"
	"time"

	"zeromall/apps/order/rpc/internal/svc"
	"zeromall/apps/order/rpc/order"

	"github.com/zeromicro/go-zero/core/logx"
)

type HoldForPaymentLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewHoldForPaymentLogic(ctx context.Context, svcCtx *svc.ServiceContext) *HoldForPaymentLogic {
	return &HoldForPaymentLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// HoldForPayment is payment-rpc opening a payment for a pending order of userId: auto-cancel
// leaves the order alone until `until`, so the payment's outcome decides.
func (l *HoldForPaymentLogic) HoldForPayment(in *order.HoldForPaymentReq) (*order.OrderInfo, error) {
	o, err := l.svcCtx.Orders.Hold(l.ctx, in.UserId, in.Sn, time.UnixMilli(in.Until))
	if err != nil {
		return nil, err
	}
	return toOrderInfo(o), nil
}
