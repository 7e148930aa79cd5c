// Package access is the part of order-rpc's contract that the .proto cannot say: which processes
// may call each method (doc/security.md), and what its callers may do with it (repeat it after a
// lost server, log its content).
package access

import (
	"zeromall/apps/order/rpc/order"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/rpcx"
)

// Policy: shoppers' and admins' methods serve order-api (which checks the admin role), and
// payment-rpc holds the order it is about to charge (reading it as it does). No method settles an
// order: payments reach orders as events (pkg/events), which no caller can forge over gRPC.
var Policy = rpcauth.Policy{
	order.Order_ListProducts_FullMethodName:    {"order-api"},
	order.Order_GetProduct_FullMethodName:      {"order-api"},
	order.Order_CreateProduct_FullMethodName:   {"order-api"},
	order.Order_UpdateProduct_FullMethodName:   {"order-api"},
	order.Order_AdjustStock_FullMethodName:     {"order-api"},
	order.Order_ListStockLedger_FullMethodName: {"order-api"},
	order.Order_GetProductSales_FullMethodName: {"order-api"},
	order.Order_CreateOrder_FullMethodName:     {"order-api"},
	order.Order_ListOrders_FullMethodName:      {"order-api"},
	order.Order_CancelOrder_FullMethodName:     {"order-api"},
	order.Order_GetOrder_FullMethodName:        {"order-api"},
	order.Order_HoldForPayment_FullMethodName:  {"payment-rpc"},
}

// Rules: reads may be sent again after a lost server, and so may CreateOrder when it carries an
// idempotency key (pkg/rpcx). No order-rpc call carries credentials.
var Rules = rpcx.Rules{
	order.Order_ListProducts_FullMethodName:    {Repeatable: true},
	order.Order_GetProduct_FullMethodName:      {Repeatable: true},
	order.Order_CreateProduct_FullMethodName:   {},
	order.Order_UpdateProduct_FullMethodName:   {},
	order.Order_AdjustStock_FullMethodName:     {},
	order.Order_ListStockLedger_FullMethodName: {Repeatable: true},
	order.Order_GetProductSales_FullMethodName: {Repeatable: true},
	order.Order_CreateOrder_FullMethodName:     {},
	order.Order_ListOrders_FullMethodName:      {Repeatable: true},
	order.Order_CancelOrder_FullMethodName:     {},
	order.Order_GetOrder_FullMethodName:        {Repeatable: true},
	order.Order_HoldForPayment_FullMethodName:  {},
}
