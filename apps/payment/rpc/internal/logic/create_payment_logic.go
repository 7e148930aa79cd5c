package logic

import (
	"context"

	"zeromall/apps/payment/rpc/internal/svc"
	"zeromall/apps/payment/rpc/payment"

	"github.com/zeromicro/go-zero/core/logx"
)

type CreatePaymentLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewCreatePaymentLogic(ctx context.Context, svcCtx *svc.ServiceContext) *CreatePaymentLogic {
	return &CreatePaymentLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// CreatePayment opens the payment of a pending order of userId; one payment per order, so a
// second call returns the same payment.
func (l *CreatePaymentLogic) CreatePayment(in *payment.CreatePaymentReq) (*payment.PaymentInfo, error) {
	p, err := l.svcCtx.Payments.Create(l.ctx, in.UserId, in.OrderSn)
	if err != nil {
		return nil, err
	}
	return toPaymentInfo(p), nil
}
