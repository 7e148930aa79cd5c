// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package payments

import (
	"context"

	"zeromall/apps/payment/api/internal/logic"
	"zeromall/apps/payment/api/internal/svc"
	"zeromall/apps/payment/api/internal/types"
	"zeromall/apps/payment/rpc/payment_client"
	"zeromall/pkg/session"

	"github.com/zeromicro/go-zero/core/logx"
)

type RefundPaymentLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// Refund a succeeded payment; the order becomes refunded and its stock returns.
func NewRefundPaymentLogic(ctx context.Context, svcCtx *svc.ServiceContext) *RefundPaymentLogic {
	return &RefundPaymentLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *RefundPaymentLogic) RefundPayment(req *types.PaymentSnReq) (resp *types.Payment, err error) {
	uid, err := session.UID(l.ctx)
	if err != nil {
		return nil, err
	}
	p, err := l.svcCtx.PaymentRpc.Refund(l.ctx, &payment_client.RefundReq{Sn: req.Sn, UserId: uid})
	if err != nil {
		return nil, err
	}
	return logic.Payment(p, ""), nil
}
