// Package statusword names order and payment statuses as the gateways write them in JSON, derived
// from the contract's enums the way the gateways derive them (pkg/enumword), so the tools under
// deploy/ never spell a status themselves. The words the databases store are the models'
// constants (apps/<svc>/model).
package statusword

import (
	"zeromall/apps/order/rpc/order"
	"zeromall/apps/payment/rpc/payment"
	"zeromall/pkg/enumword"
)

var (
	OrderPending     = enumword.Word(order.OrderStatus_ORDER_STATUS_PENDING.String(), "ORDER_STATUS_")
	OrderPaid        = enumword.Word(order.OrderStatus_ORDER_STATUS_PAID.String(), "ORDER_STATUS_")
	PaymentSucceeded = enumword.Word(payment.PaymentStatus_PAYMENT_STATUS_SUCCEEDED.String(), "PAYMENT_STATUS_")
	PaymentRefunded  = enumword.Word(payment.PaymentStatus_PAYMENT_STATUS_REFUNDED.String(), "PAYMENT_STATUS_")
	OrderRefunded    = enumword.Word(order.OrderStatus_ORDER_STATUS_REFUNDED.String(), "ORDER_STATUS_")
)
