package logic

import (
	"zeromall/apps/order/rpc/internal/orders"
	"zeromall/apps/order/rpc/order"
)

// statuses maps the domain's order statuses to the contract's enum (every one: mapping_test).
var statuses = map[orders.Status]order.OrderStatus{
	orders.Pending:   order.OrderStatus_ORDER_STATUS_PENDING,
	orders.Paid:      order.OrderStatus_ORDER_STATUS_PAID,
	orders.Cancelled: order.OrderStatus_ORDER_STATUS_CANCELLED,
	orders.Refunded:  order.OrderStatus_ORDER_STATUS_REFUNDED,
}

// statusFilter maps a ListOrders filter to the domain's status: UNSPECIFIED is 0 (every status),
// and a number the contract does not define is a 400 naming the field.
func statusFilter(s order.OrderStatus) (orders.Status, error) {
	if s == order.OrderStatus_ORDER_STATUS_UNSPECIFIED {
		return 0, nil
	}
	for st, enum := range statuses {
		if enum == s {
			return st, nil
		}
	}
	return 0, orders.ErrUnknownStatusFilter
}

func toOrderInfo(o *orders.Order) *order.OrderInfo {
	info := &order.OrderInfo{
		Sn:          o.Sn,
		UserId:      o.UserID,
		Status:      statuses[o.Status],
		TotalAmount: o.TotalAmount,
		CreatedAt:   o.CreatedAt.UTC().Unix(),
		Items:       make([]*order.OrderItem, len(o.Items)),
	}
	if !o.PaidAt.IsZero() {
		info.PaidAt = o.PaidAt.UTC().Unix()
	}
	for i, it := range o.Items {
		info.Items[i] = &order.OrderItem{ProductId: it.ProductID, Title: it.Title, Price: it.Price, Quantity: it.Quantity}
	}
	return info
}

func toProduct(p *orders.Product) *order.Product {
	return &order.Product{Id: p.ID, Sku: p.Sku, Title: p.Title, Price: p.Price, Stock: p.Stock, Active: p.Active}
}

func toLines(items []*order.ItemReq) []orders.Line {
	lines := make([]orders.Line, len(items))
	for i, it := range items {
		lines[i] = orders.Line{ProductID: it.GetProductId(), Quantity: it.GetQuantity()}
	}
	return lines
}
