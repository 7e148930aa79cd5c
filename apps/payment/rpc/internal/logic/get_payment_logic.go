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

// GetPayment reads a payment of userId (required); NotFound for anyone else's.
func (l *GetPaymentLogic) GetPayment(in *payment.GetPaymentReq) (*payment.PaymentInfo, error) {
	if err := checkUserID(in.UserId); err != nil {
		return nil, err
	}
	p, err := findPayment(l.ctx, l.svcCtx, in.Sn, in.UserId)
	if err != nil {
		return nil, err
	}
	return toPaymentInfo(p), nil
}
