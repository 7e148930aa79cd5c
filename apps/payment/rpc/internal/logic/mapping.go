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

// outcomes maps the stored receipt outcomes to the contract's enum.
var outcomes = map[string]payment.ReceiptOutcome{
	model.ReceiptSettled:  payment.ReceiptOutcome_RECEIPT_OUTCOME_SETTLED,
	model.ReceiptRefunded: payment.ReceiptOutcome_RECEIPT_OUTCOME_REFUNDED,
}

func toPaymentInfo(p *model.Payments, receipts ...*model.PaymentReceipts) *payment.PaymentInfo {
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
	for _, r := range receipts {
		info.Receipts = append(info.Receipts, &payment.Receipt{
			TradeNo: r.TradeNo,
			Amount:  r.Amount,
			PaidAt:  r.PaidAt.UTC().Unix(),
			Outcome: outcomes[r.Outcome],
			Note:    r.Note,
		})
	}
	return info
}
