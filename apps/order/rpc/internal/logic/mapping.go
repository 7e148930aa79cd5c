package logic

import (
	"zeromall/apps/order/model"
	"zeromall/apps/order/rpc/order"
)

func toOrderInfo(o *model.Orders, items []*model.OrderItems) *order.OrderInfo {
	info := &order.OrderInfo{
		Sn:          o.Sn,
		UserId:      o.UserId,
		Status:      o.Status,
		TotalAmount: o.TotalAmount,
		CreatedAt:   o.CreatedAt.UTC().Unix(),
		Items:       make([]*order.OrderItem, len(items)),
	}
	if o.PaidAt.Valid {
		info.PaidAt = o.PaidAt.Time.UTC().Unix()
	}
	for i, it := range items {
		info.Items[i] = &order.OrderItem{ProductId: it.ProductId, Title: it.Title, Price: it.Price, Quantity: it.Quantity}
	}
	return info
}
