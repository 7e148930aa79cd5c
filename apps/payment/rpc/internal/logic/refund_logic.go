package logic

import (
	"context"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/apps/payment/rpc/internal/svc"
	"zeromall/apps/payment/rpc/payment"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
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
	if err := checkUserID(in.UserId); err != nil {
		return nil, err
	}
	p, err := findPayment(l.ctx, l.svcCtx, in.Sn, in.UserId)
	if err != nil {
		return nil, err
	}
	msg := orderMessage{PaymentID: p.Id, PaymentSn: p.Sn, OrderSn: p.OrderSn}
	refunded, err := settle(l.ctx, l.svcCtx, p, model.TopicOrderRefunded, msg, func(ctx context.Context, s sqlx.Session) (bool, error) {
		return l.svcCtx.Payments.RefundTx(ctx, s, p.Id, "refunded at the owner's request", time.Now())
	})
	if err != nil {
		return nil, err
	}
	if !refunded {
		return nil, xerr.ErrPaymentNotRefundable.WithMsgf("payment is %s; only a succeeded payment can be refunded", p.Status)
	}
	return toPaymentInfo(p), nil
}
