package logic

import (
	"context"

	"zeromall/apps/payment/rpc/internal/payments"
	"zeromall/apps/payment/rpc/internal/svc"
	"zeromall/apps/payment/rpc/payment"

	"github.com/zeromicro/go-zero/core/logx"
)

type HandleCallbackLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewHandleCallbackLogic(ctx context.Context, svcCtx *svc.ServiceContext) *HandleCallbackLogic {
	return &HandleCallbackLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// HandleCallback applies a provider notification whose signature the gateway verified.
func (l *HandleCallbackLogic) HandleCallback(in *payment.CallbackReq) (*payment.CallbackResp, error) {
	err := l.svcCtx.Payments.HandleCallback(l.ctx, payments.Callback{
		PaymentSn: in.PaymentSn,
		TradeNo:   in.TradeNo,
		Succeeded: in.Status == payment.PaymentStatus_PAYMENT_STATUS_SUCCEEDED,
		Amount:    in.Amount,
		PaidAt:    in.PaidAt,
	})
	if err != nil {
		return nil, err
	}
	return &payment.CallbackResp{}, nil
}
