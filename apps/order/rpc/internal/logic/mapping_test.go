package logic

import (
	"errors"
	"testing"

	"zeromall/apps/order/rpc/internal/orders"
	"zeromall/apps/order/rpc/order"
)

// Every domain status crosses the contract as its own enum value, and back as a list filter.
func TestStatuses_MapEveryDomainStatusBothWays(t *testing.T) {
	seen := map[order.OrderStatus]bool{}
	for _, s := range orders.Statuses {
		e, ok := statuses[s]
		if !ok || e == order.OrderStatus_ORDER_STATUS_UNSPECIFIED || seen[e] {
			t.Errorf("order status %s maps to %v (mapped: %v, already used: %v)", s, e, ok, seen[e])
		}
		seen[e] = true
		if back, err := statusFilter(e); err != nil || back != s {
			t.Errorf("filter %v = %v, %v; want %s", e, back, err, s)
		}
	}
	if all, err := statusFilter(order.OrderStatus_ORDER_STATUS_UNSPECIFIED); all != 0 || err != nil {
		t.Errorf("UNSPECIFIED filter = %v, %v; want 0 (every status)", all, err)
	}
	if _, err := statusFilter(order.OrderStatus(42)); !errors.Is(err, orders.ErrUnknownStatusFilter) {
		t.Errorf("an enum number the contract does not define: %v, want refused", err)
	}
}
