// Package orderrpc adapts order-rpc's generated client to payments.Orders: the one place where
// payment-rpc handles order-rpc's messages and enums.
package orderrpc

import (
	"context"
	"time"

	"zeromall/apps/order/rpc/order_client"
	"zeromall/apps/payment/rpc/internal/payments"
)

// Client is order-rpc for the payment domain.
type Client struct {
	rpc order_client.Order
}

var _ payments.Orders = Client{}

// New wraps order-rpc's generated client.
func New(rpc order_client.Order) Client {
	return Client{rpc: rpc}
}

func (c Client) Hold(ctx context.Context, owner int64, sn string, until time.Time) (payments.Order, error) {
	o, err := c.rpc.HoldForPayment(ctx, &order_client.HoldForPaymentReq{Sn: sn, UserId: owner, Until: until.UnixMilli()})
	if err != nil {
		return payments.Order{}, err
	}
	return payments.Order{Sn: o.Sn, UserID: o.UserId, Amount: o.TotalAmount}, nil
}
