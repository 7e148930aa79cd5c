package logic

import (
	"context"

	"zeromall/apps/payment/rpc/internal/svc"
	"zeromall/apps/payment/rpc/payment"

	"github.com/zeromicro/go-zero/core/logx"
)

type GetPaymentLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewGetPaymentLogic(ctx context.Context, svcCtx *svc.ServiceContext) *GetPaymentLogic {
	return &GetPaymentLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// GetPayment reads a payment of userId (required), with its receipts; NotFound for anyone else's.
func (l *GetPaymentLogic) GetPayment(in *payment.GetPaymentReq) (*payment.PaymentInfo, error) {
	p, err := l.svcCtx.Payments.Get(l.ctx, in.UserId, in.Sn)
	if err != nil {
		return nil, err
	}
	receipts, err := l.svcCtx.Payments.Receipts(l.ctx, p)
	if err != nil {
		return nil, err
	}
	return toPaymentInfo(p, receipts...), nil
}
