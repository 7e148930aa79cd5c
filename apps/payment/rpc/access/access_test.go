package access

import (
	"testing"

	"zeromall/apps/payment/rpc/payment"
	"zeromall/pkg/rpcx"
)

// Every payment-rpc method says who may call it and what callers may do with it; a new or renamed
// rpc fails here (and payment-rpc refuses to start) until it does.
func TestEveryMethodIsDecided(t *testing.T) {
	if err := rpcx.CheckContract(rpcx.Methods(payment.Payment_ServiceDesc), Policy, Rules); err != nil {
		t.Fatal(err)
	}
}
