package logic

import (
	"testing"

	"zeromall/apps/payment/rpc/internal/payments"
	"zeromall/apps/payment/rpc/payment"
)

// Every domain status crosses the contract as its own enum value, never as UNSPECIFIED.
func TestStatuses_MapEveryDomainStatus(t *testing.T) {
	seen := map[payment.PaymentStatus]bool{}
	for _, s := range payments.Statuses {
		e, ok := statuses[s]
		if !ok || e == payment.PaymentStatus_PAYMENT_STATUS_UNSPECIFIED || seen[e] {
			t.Errorf("payment status %s maps to %v (mapped: %v, already used: %v)", s, e, ok, seen[e])
		}
		seen[e] = true
	}
}
