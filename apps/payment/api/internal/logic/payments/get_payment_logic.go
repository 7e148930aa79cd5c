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

type GetPaymentLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// One of the caller's payments; 404 for anyone else's.
func NewGetPaymentLogic(ctx context.Context, svcCtx *svc.ServiceContext) *GetPaymentLogic {
	return &GetPaymentLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *GetPaymentLogic) GetPayment(req *types.PaymentSnReq) (resp *types.Payment, err error) {
	uid, err := session.UID(l.ctx)
	if err != nil {
		return nil, err
	}
	p, err := l.svcCtx.PaymentRpc.GetPayment(l.ctx, &payment_client.GetPaymentReq{Sn: req.Sn, UserId: uid})
	if err != nil {
		return nil, err
	}
	return logic.Payment(p, ""), nil
}
