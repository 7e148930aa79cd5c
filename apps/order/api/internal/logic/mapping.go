// Package logic holds what the gateway's logic groups share.
package logic

import (
	"time"

	"zeromall/apps/order/api/internal/types"
	"zeromall/apps/order/rpc/order"
	"zeromall/apps/order/rpc/order_client"
	"zeromall/pkg/enumword"
	"zeromall/pkg/xerr"
)

// Product maps an rpc product to the HTTP one.
func Product(p *order_client.Product) types.Product {
	return types.Product{Id: p.Id, Sku: p.Sku, Title: p.Title, Price: p.Price, Stock: p.Stock, Active: p.Active}
}

// Order maps an rpc order to the HTTP one.
func Order(o *order_client.OrderInfo) *types.Order {
	out := &types.Order{
		Sn:          o.Sn,
		UserId:      o.UserId,
		Status:      enumword.Word(o.Status.String(), orderStatusPrefix),
		TotalAmount: o.TotalAmount,
		Items:       make([]types.OrderItem, len(o.Items)),
		CreatedAt:   rfc3339(o.CreatedAt),
	}
	if o.PaidAt > 0 {
		out.PaidAt = rfc3339(o.PaidAt)
	}
	for i, it := range o.Items {
		out.Items[i] = types.OrderItem{ProductId: it.ProductId, Title: it.Title, Price: it.Price, Quantity: it.Quantity}
	}
	return out
}

const orderStatusPrefix = "ORDER_STATUS_"

// ParseOrderStatus reads the HTTP status filter; "" is every status.
func ParseOrderStatus(word string) (order.OrderStatus, error) {
	if word == "" {
		return order.OrderStatus_ORDER_STATUS_UNSPECIFIED, nil
	}
	v, ok := enumword.Parse(word, orderStatusPrefix, order.OrderStatus_value)
	if !ok {
		return 0, xerr.Field("status", "must be one of pending, paid, cancelled, refunded")
	}
	return order.OrderStatus(v), nil
}

func rfc3339(unix int64) string {
	return time.Unix(unix, 0).UTC().Format(time.RFC3339)
}
