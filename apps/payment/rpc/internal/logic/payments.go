package logic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/apps/payment/rpc/internal/svc"
	"zeromall/apps/payment/rpc/payment"
	"zeromall/pkg/ids"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// orderMessage is the payload of an outbox message to order-rpc.
type orderMessage struct {
	PaymentID int64  `json:"paymentId"`
	PaymentSn string `json:"paymentSn"`
	OrderSn   string `json:"orderSn"`
	PaidAt    int64  `json:"paidAt,omitempty"`
}

// findPayment reads a payment by number; owner > 0 restricts it to that user's payments, and
// anyone else's is reported as not found.
func findPayment(ctx context.Context, svcCtx *svc.ServiceContext, sn string, owner int64) (*model.Payments, error) {
	if !ids.ValidSN(sn) {
		return nil, xerr.ErrPaymentNotFound
	}
	p, err := svcCtx.Payments.FindOneBySn(ctx, sn)
	if errors.Is(err, model.ErrNotFound) {
		return nil, xerr.ErrPaymentNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find payment %s: %w", sn, err)
	}
	if owner > 0 && p.UserId != owner {
		return nil, xerr.ErrPaymentNotFound
	}
	return p, nil
}

// settle moves payment p to its next status with change (a conditional update) and queues msg on
// topic in the same transaction: the payment's new status and the order's news are committed
// together or not at all. It reports whether this call made the change; p is reloaded either way.
func settle(ctx context.Context, svcCtx *svc.ServiceContext, p *model.Payments, topic string, msg orderMessage,
	change func(ctx context.Context, s sqlx.Session) (bool, error)) (bool, error) {
	payload, err := json.Marshal(msg)
	if err != nil {
		return false, fmt.Errorf("encode %s message: %w", topic, err)
	}
	var changed bool
	err = svcCtx.Payments.Transact(ctx, func(ctx context.Context, s sqlx.Session) error {
		ok, err := change(ctx, s)
		if err != nil || !ok {
			return err
		}
		changed = true
		return svcCtx.Outbox.AddTx(ctx, s, topic, string(payload))
	})
	if err != nil {
		return false, err
	}
	if changed {
		if err := svcCtx.Payments.Invalidate(ctx, p); err != nil {
			logx.WithContext(ctx).Errorf("invalidate payment %s: %v", p.Sn, err)
		}
		svcCtx.KickOutbox()
	}
	fresh, err := svcCtx.Payments.FindOneBySnFresh(ctx, p.Sn)
	if err != nil {
		return false, fmt.Errorf("reload payment %s: %w", p.Sn, err)
	}
	*p = *fresh
	return changed, nil
}

func toPaymentInfo(p *model.Payments) *payment.PaymentInfo {
	info := &payment.PaymentInfo{
		Sn:        p.Sn,
		OrderSn:   p.OrderSn,
		UserId:    p.UserId,
		Amount:    p.Amount,
		Status:    p.Status,
		TradeNo:   p.TradeNo,
		CreatedAt: p.CreatedAt.UTC().Unix(),
	}
	if p.PaidAt.Valid {
		info.PaidAt = p.PaidAt.Time.UTC().Unix()
	}
	return info
}

func checkUserID(id int64) error {
	if id <= 0 {
		return xerr.Field("userId", "must be positive")
	}
	return nil
}

func unix(sec int64) time.Time {
	return time.Unix(sec, 0).UTC()
}
