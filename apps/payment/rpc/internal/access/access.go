// Package access says which processes may call each payment-rpc method (doc/security.md).
package access

import (
	"zeromall/apps/payment/rpc/payment"
	"zeromall/pkg/rpcauth"
)

// Policy: payment-api alone, which verifies the provider's signature before HandleCallback.
var Policy = rpcauth.Policy{
	payment.Payment_CreatePayment_FullMethodName:  {"payment-api"},
	payment.Payment_GetPayment_FullMethodName:     {"payment-api"},
	payment.Payment_HandleCallback_FullMethodName: {"payment-api"},
	payment.Payment_Refund_FullMethodName:         {"payment-api"},
}
