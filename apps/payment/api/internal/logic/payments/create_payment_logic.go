// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package payments

import (
	"context"

	"zeromall/apps/payment/api/internal/logic"
	"zeromall/apps/payment/api/internal/svc"
	"zeromall/apps/payment/api/internal/types"
	"zeromall/apps/payment/rpc/payment"
	"zeromall/apps/payment/rpc/payment_client"
	"zeromall/pkg/session"

	"github.com/zeromicro/go-zero/core/logx"
)

type CreatePaymentLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// Open the payment of one of the caller's pending orders (a second call returns the same payment).
func NewCreatePaymentLogic(ctx context.Context, svcCtx *svc.ServiceContext) *CreatePaymentLogic {
	return &CreatePaymentLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *CreatePaymentLogic) CreatePayment(req *types.CreatePaymentReq) (resp *types.Payment, err error) {
	uid, err := session.UID(l.ctx)
	if err != nil {
		return nil, err
	}
	p, err := l.svcCtx.PaymentRpc.CreatePayment(l.ctx, &payment_client.CreatePaymentReq{OrderSn: req.OrderSn, UserId: uid})
	if err != nil {
		return nil, err
	}
	var payURL string
	if p.Status == payment.PaymentStatus_PAYMENT_STATUS_PENDING {
		payURL = l.svcCtx.Config.PayURL + p.Sn
	}
	return logic.Payment(p, payURL), nil
}
