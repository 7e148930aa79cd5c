package logic

import (
	"context"

	"zeromall/apps/payment/model"
	"zeromall/apps/payment/rpc/internal/svc"
	"zeromall/apps/payment/rpc/payment"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
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
	if err := checkCallback(in); err != nil {
		return nil, err
	}
	p, err := findPayment(l.ctx, l.svcCtx, in.PaymentSn, 0)
	if err != nil {
		return nil, err
	}
	if in.Amount != p.Amount {
		l.Errorf("callback for payment %s with amount %d, expected %d: rejected", p.Sn, in.Amount, p.Amount)
		return nil, xerr.ErrAmountMismatch
	}
	if p.Status == model.PaymentPending {
		msg := orderMessage{PaymentID: p.Id, PaymentSn: p.Sn, OrderSn: p.OrderSn, PaidAt: in.PaidAt}
		_, err := settle(l.ctx, l.svcCtx, p, model.TopicOrderPaid, msg, func(ctx context.Context, s sqlx.Session) (bool, error) {
			return l.svcCtx.Payments.SucceedTx(ctx, s, p.Id, in.TradeNo, unix(in.PaidAt))
		})
		if err != nil {
			return nil, err
		}
	}
	// Settled now or before: the same notification again is a success that changes nothing;
	// a different trade for a settled payment is a conflict to look at.
	if p.TradeNo != in.TradeNo {
		l.Errorf("callback for settled payment %s with trade %s, recorded %s: rejected", p.Sn, in.TradeNo, p.TradeNo)
		return nil, xerr.ErrPaymentSettled
	}
	return &payment.CallbackResp{}, nil
}
