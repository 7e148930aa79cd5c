package logic

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/order/rpc/order_client"
	"zeromall/apps/payment/model"
	"zeromall/apps/payment/rpc/internal/svc"
	"zeromall/apps/payment/rpc/payment"
	"zeromall/pkg/dberr"
	"zeromall/pkg/ids"
	"zeromall/pkg/xerr"

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
func (l *CreatePaymentLogic) CreatePayment(in *payment.CreatePaymentReq) (*payment.PaymentInfo, error) {
	if err := checkUserID(in.UserId); err != nil {
		return nil, err
	}
	if !ids.ValidSN(in.OrderSn) {
		return nil, xerr.ErrOrderNotFound
	}
	// Ownership and the amount come from order-rpc: another user's order is NotFound there.
	o, err := l.svcCtx.OrderRpc.GetOrder(l.ctx, &order_client.GetOrderReq{Sn: in.OrderSn, UserId: in.UserId})
	if err != nil {
		return nil, err
	}
	if o.Status != orderPending {
		return nil, xerr.ErrOrderNotPayable.WithMsgf("order is %s, not pending", o.Status)
	}

	existing, err := l.svcCtx.Payments.FindOneByOrderSn(l.ctx, in.OrderSn)
	switch {
	case err == nil:
		return toPaymentInfo(existing), nil
	case !errors.Is(err, model.ErrNotFound):
		return nil, fmt.Errorf("find payment of order %s: %w", in.OrderSn, err)
	}
	_, err = l.svcCtx.Payments.Insert(l.ctx, &model.Payments{
		Sn:      ids.NewSN(time.Now()),
		OrderSn: o.Sn,
		UserId:  o.UserId,
		Amount:  o.TotalAmount,
		Status:  model.PaymentPending,
	})
	if err != nil && !dberr.IsDuplicateOf(err, "uk_order_sn") {
		return nil, fmt.Errorf("insert payment of order %s: %w", in.OrderSn, err)
	}
	// Ours, or the one a concurrent call inserted first: one payment per order either way.
	p, err := l.svcCtx.Payments.FindOneByOrderSnFresh(l.ctx, in.OrderSn)
	if err != nil {
		return nil, fmt.Errorf("read payment of order %s: %w", in.OrderSn, err)
	}
	return toPaymentInfo(p), nil
}
