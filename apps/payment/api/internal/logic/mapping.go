// Package logic holds what the gateway's logic groups share.
package logic

import (
	"time"

	"zeromall/apps/payment/api/internal/types"
	"zeromall/apps/payment/rpc/payment"
	"zeromall/apps/payment/rpc/payment_client"
	"zeromall/pkg/enumword"
)

const paymentStatusPrefix = "PAYMENT_STATUS_"

// ParsePaymentStatus reads a status word from outside (a provider's notification); an unknown
// word is PAYMENT_STATUS_UNSPECIFIED, for payment-rpc to refuse by field.
func ParsePaymentStatus(word string) payment.PaymentStatus {
	v, _ := enumword.Parse(word, paymentStatusPrefix, payment.PaymentStatus_value)
	return payment.PaymentStatus(v)
}

// StatusWord is the HTTP word of a payment status ("pending", "succeeded", "refunded").
func StatusWord(s payment.PaymentStatus) string {
	return enumword.Word(s.String(), paymentStatusPrefix)
}

// Payment maps an rpc payment to the HTTP one; payURL is set only where the buyer is to pay.
func Payment(p *payment_client.PaymentInfo, payURL string) *types.Payment {
	out := &types.Payment{
		Sn:        p.Sn,
		OrderSn:   p.OrderSn,
		UserId:    p.UserId,
		Amount:    p.Amount,
		Status:    StatusWord(p.Status),
		TradeNo:   p.TradeNo,
		CreatedAt: time.Unix(p.CreatedAt, 0).UTC().Format(time.RFC3339),
		PayUrl:    payURL,
	}
	if p.PaidAt > 0 {
		out.PaidAt = time.Unix(p.PaidAt, 0).UTC().Format(time.RFC3339)
	}
	for _, r := range p.Receipts {
		out.Receipts = append(out.Receipts, types.Receipt{
			TradeNo: r.TradeNo,
			Amount:  r.Amount,
			PaidAt:  time.Unix(r.PaidAt, 0).UTC().Format(time.RFC3339),
			Outcome: enumword.Word(r.Outcome.String(), "RECEIPT_OUTCOME_"),
			Note:    r.Note,
		})
	}
	return out
}
