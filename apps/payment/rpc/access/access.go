// Package access is the part of payment-rpc's contract that the .proto cannot say: which processes
// may call each method (doc/security.md), and what its callers may do with it (repeat it after a
// lost server, log its content).
package access

import (
	"zeromall/apps/payment/rpc/payment"
	"zeromall/pkg/rpcauth"
	"zeromall/pkg/rpcx"
)

// Policy: payment-api alone, which verifies the provider's signature before HandleCallback.
var Policy = rpcauth.Policy{
	payment.Payment_CreatePayment_FullMethodName:  {"payment-api"},
	payment.Payment_GetPayment_FullMethodName:     {"payment-api"},
	payment.Payment_HandleCallback_FullMethodName: {"payment-api"},
	payment.Payment_Refund_FullMethodName:         {"payment-api"},
}

// Rules: GetPayment may be sent again after a lost server, and so may CreatePayment: an order
// has one payment, and a repeat returns the one the first call opened. No payment-rpc call
// carries credentials (the callback's signature is checked by payment-api).
var Rules = rpcx.Rules{
	payment.Payment_CreatePayment_FullMethodName:  {Repeatable: true},
	payment.Payment_GetPayment_FullMethodName:     {Repeatable: true},
	payment.Payment_HandleCallback_FullMethodName: {},
	payment.Payment_Refund_FullMethodName:         {},
}
