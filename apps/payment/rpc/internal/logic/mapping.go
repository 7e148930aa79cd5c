package logic

import (
	"zeromall/apps/payment/rpc/internal/payments"
	"zeromall/apps/payment/rpc/payment"
)

// statuses maps the domain's payment statuses to the contract's enum (every one: mapping_test).
var statuses = map[payments.Status]payment.PaymentStatus{
	payments.Pending:   payment.PaymentStatus_PAYMENT_STATUS_PENDING,
	payments.Succeeded: payment.PaymentStatus_PAYMENT_STATUS_SUCCEEDED,
	payments.Refunded:  payment.PaymentStatus_PAYMENT_STATUS_REFUNDED,
	payments.Expired:   payment.PaymentStatus_PAYMENT_STATUS_EXPIRED,
}

// outcomes maps the domain's receipt outcomes to the contract's enum.
var outcomes = map[payments.Outcome]payment.ReceiptOutcome{
	payments.ReceiptSettled:  payment.ReceiptOutcome_RECEIPT_OUTCOME_SETTLED,
	payments.ReceiptRefunded: payment.ReceiptOutcome_RECEIPT_OUTCOME_REFUNDED,
}

func toPaymentInfo(p *payments.Payment, receipts ...*payments.Receipt) *payment.PaymentInfo {
	info := &payment.PaymentInfo{
		Sn:        p.Sn,
		OrderSn:   p.OrderSn,
		UserId:    p.UserID,
		Amount:    p.Amount,
		Status:    statuses[p.Status],
		TradeNo:   p.TradeNo,
		CreatedAt: p.CreatedAt.UTC().Unix(),
	}
	if !p.PaidAt.IsZero() {
		info.PaidAt = p.PaidAt.UTC().Unix()
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
