package logic

import (
	"zeromall/apps/payment/model"
	"zeromall/apps/payment/rpc/payment"
)

// statuses maps the stored status values to the contract's enum.
var statuses = map[string]payment.PaymentStatus{
	model.PaymentPending:   payment.PaymentStatus_PAYMENT_STATUS_PENDING,
	model.PaymentSucceeded: payment.PaymentStatus_PAYMENT_STATUS_SUCCEEDED,
	model.PaymentRefunded:  payment.PaymentStatus_PAYMENT_STATUS_REFUNDED,
	model.PaymentExpired:   payment.PaymentStatus_PAYMENT_STATUS_EXPIRED,
}

func toPaymentInfo(p *model.Payments) *payment.PaymentInfo {
	info := &payment.PaymentInfo{
		Sn:        p.Sn,
		OrderSn:   p.OrderSn,
		UserId:    p.UserId,
		Amount:    p.Amount,
		Status:    statuses[p.Status],
		TradeNo:   p.TradeNo,
		CreatedAt: p.CreatedAt.UTC().Unix(),
	}
	if p.PaidAt.Valid {
		info.PaidAt = p.PaidAt.Time.UTC().Unix()
	}
	return info
}
