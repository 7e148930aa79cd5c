package logic

import (
	"zeromall/apps/order/model"
	"zeromall/apps/order/rpc/internal/orders"
	"zeromall/apps/order/rpc/order"
)

// statuses maps the stored status values to the contract's enum.
var statuses = map[string]order.OrderStatus{
	model.StatusPending:   order.OrderStatus_ORDER_STATUS_PENDING,
	model.StatusPaid:      order.OrderStatus_ORDER_STATUS_PAID,
	model.StatusCancelled: order.OrderStatus_ORDER_STATUS_CANCELLED,
	model.StatusRefunded:  order.OrderStatus_ORDER_STATUS_REFUNDED,
}

// statusFilter maps a ListOrders filter to the stored value; UNSPECIFIED is "" (every status) and
// an unknown number passes through, for the domain to reject by name.
func statusFilter(s order.OrderStatus) string {
	for stored, enum := range statuses {
		if enum == s {
			return stored
		}
	}
	if s == order.OrderStatus_ORDER_STATUS_UNSPECIFIED {
		return ""
	}
	return s.String()
}

func toOrderInfo(o *orders.Order) *order.OrderInfo {
	info := &order.OrderInfo{
		Sn:          o.Sn,
		UserId:      o.UserId,
		Status:      statuses[o.Status],
		TotalAmount: o.TotalAmount,
		CreatedAt:   o.CreatedAt.UTC().Unix(),
		Items:       make([]*order.OrderItem, len(o.Items)),
	}
	if o.PaidAt.Valid {
		info.PaidAt = o.PaidAt.Time.UTC().Unix()
	}
	for i, it := range o.Items {
		info.Items[i] = &order.OrderItem{ProductId: it.ProductId, Title: it.Title, Price: it.Price, Quantity: it.Quantity}
	}
	return info
}

func toProduct(p *model.Products) *order.Product {
	return &order.Product{Id: p.Id, Sku: p.Sku, Title: p.Title, Price: p.Price, Stock: p.Stock,
		Active: p.Active == model.ProductActive}
}

func toLines(items []*order.ItemReq) []orders.Line {
	lines := make([]orders.Line, len(items))
	for i, it := range items {
		lines[i] = orders.Line{ProductID: it.GetProductId(), Quantity: it.GetQuantity()}
	}
	return lines
}
