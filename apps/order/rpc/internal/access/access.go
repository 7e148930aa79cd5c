// Package access says which processes may call each order-rpc method (doc/security.md).
package access

import (
	"zeromall/apps/order/rpc/order"
	"zeromall/pkg/rpcauth"
)

// Policy: shoppers' and admins' methods serve order-api (which checks the admin role); settling an order is payment-rpc's alone (its
// outbox relay), and payment-rpc holds the order it is about to charge (reading it as it does).
var Policy = rpcauth.Policy{
	order.Order_ListProducts_FullMethodName:    {"order-api"},
	order.Order_GetProduct_FullMethodName:      {"order-api"},
	order.Order_CreateProduct_FullMethodName:   {"order-api"},
	order.Order_UpdateProduct_FullMethodName:   {"order-api"},
	order.Order_AdjustStock_FullMethodName:     {"order-api"},
	order.Order_ListStockLedger_FullMethodName: {"order-api"},
	order.Order_CreateOrder_FullMethodName:     {"order-api"},
	order.Order_ListOrders_FullMethodName:      {"order-api"},
	order.Order_CancelOrder_FullMethodName:     {"order-api"},
	order.Order_GetOrder_FullMethodName:        {"order-api"},
	order.Order_HoldForPayment_FullMethodName:  {"payment-rpc"},
	order.Order_MarkPaid_FullMethodName:        {"payment-rpc"},
	order.Order_MarkRefunded_FullMethodName:    {"payment-rpc"},
}
