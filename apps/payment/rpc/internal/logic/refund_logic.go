package logic

import (
	"context"

	"zeromall/apps/payment/rpc/internal/svc"
	"zeromall/apps/payment/rpc/payment"

	"github.com/zeromicro/go-zero/core/logx"
)

type RefundLogic struct {
	ctx    context.Context
	svcCtx *svc.ServiceContext
	logx.Logger
}

func NewRefundLogic(ctx context.Context, svcCtx *svc.ServiceContext) *RefundLogic {
	return &RefundLogic{
		ctx:    ctx,
		svcCtx: svcCtx,
		Logger: logx.WithContext(ctx),
	}
}

// Refund refunds a succeeded payment of userId; the order follows through the outbox.
func (l *RefundLogic) Refund(in *payment.RefundReq) (*payment.PaymentInfo, error) {
	p, err := l.svcCtx.Payments.Refund(l.ctx, in.UserId, in.Sn)
	if err != nil {
		return nil, err
	}
	return toPaymentInfo(p), nil
}
