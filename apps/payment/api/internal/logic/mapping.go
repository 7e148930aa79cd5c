// Package logic holds what the gateway's logic groups share.
package logic

import (
	"time"

	"zeromall/apps/payment/api/internal/types"
	"zeromall/apps/payment/rpc/payment_client"
)

// Payment maps an rpc payment to the HTTP one; payURL is set only where the buyer is to pay.
func Payment(p *payment_client.PaymentInfo, payURL string) *types.Payment {
	out := &types.Payment{
		Sn:        p.Sn,
		OrderSn:   p.OrderSn,
		UserId:    p.UserId,
		Amount:    p.Amount,
		Status:    p.Status,
		TradeNo:   p.TradeNo,
		CreatedAt: time.Unix(p.CreatedAt, 0).UTC().Format(time.RFC3339),
		PayUrl:    payURL,
	}
	if p.PaidAt > 0 {
		out.PaidAt = time.Unix(p.PaidAt, 0).UTC().Format(time.RFC3339)
	}
	return out
}
