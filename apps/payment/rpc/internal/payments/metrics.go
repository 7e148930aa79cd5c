package payments

import "zeromall/pkg/metric"

// Why money was refunded without the owner asking: zeromall_payment_unsettled_money_total's reason.
const (
	reasonLate      = "late"            // it arrived after the payment expired
	reasonSurplus   = "surplus"         // another trade had settled the payment already
	reasonMismatch  = "amount_mismatch" // its amount was not the payment's
	reasonCancelled = "cancelled"       // it settled the payment, but the order had been cancelled
)

var (
	unsettledMoney = metric.CounterVec("payment", "unsettled_money_total",
		"Sums the provider reported received that could not settle an order and were refunded automatically, by reason: late, surplus, amount_mismatch, cancelled.", "reason")
)

func init() {
	for _, r := range []string{reasonLate, reasonSurplus, reasonMismatch, reasonCancelled} {
		unsettledMoney.WithLabelValues(r)
	}
}
