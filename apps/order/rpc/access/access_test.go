package access

import (
	"testing"

	"zeromall/apps/order/rpc/order"
	"zeromall/pkg/rpcx"
)

// Every order-rpc method says who may call it and what callers may do with it; a new or renamed
// rpc fails here (and order-rpc refuses to start) until it does.
func TestEveryMethodIsDecided(t *testing.T) {
	if err := rpcx.CheckContract(rpcx.Methods(order.Order_ServiceDesc), Policy, Rules); err != nil {
		t.Fatal(err)
	}
}
