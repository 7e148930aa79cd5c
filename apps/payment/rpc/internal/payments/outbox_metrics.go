package payments

import (
	"context"

	"zeromall/pkg/metric"

	"github.com/zeromicro/go-zero/core/logx"
)

// Outcomes of a delivery attempt, the values of zeromall_outbox_events_total's event label.
const (
	eventDelivered = "delivered"
	eventRetried   = "retried"
	eventParked    = "parked"
)

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
	outboxEvents = metric.CounterVec("outbox", "events_total",
		"Outbox delivery attempts by outcome: delivered, retried, parked.", "event")
	outboxPending = metric.Gauge("outbox", "pending", "Outbox messages waiting for delivery.")
	outboxParked  = metric.Gauge("outbox", "parked",
		"Outbox messages order-rpc refused for good, waiting for an operator to replay them.")
	outboxOldestPending = metric.Gauge("outbox", "oldest_pending_seconds",
		"Age of the oldest pending outbox message (0 when none).")
)

func init() {
	for _, r := range []string{reasonLate, reasonSurplus, reasonMismatch, reasonCancelled} {
		unsettledMoney.WithLabelValues(r)
	}
	for _, e := range []string{eventDelivered, eventRetried, eventParked} {
		outboxEvents.WithLabelValues(e) // every series exists from the start, at 0
	}
}

// ObserveOutbox samples the outbox's backlog into the gauges; every instance reports the same
// shared table, so dashboards take max(), not sum().
func (s *Service) ObserveOutbox(ctx context.Context) {
	st, err := s.outbox.Stats(ctx)
	if err != nil {
		logx.WithContext(ctx).Errorf("outbox stats: %v", err)
		return
	}
	outboxPending.Set(float64(st.Pending))
	outboxParked.Set(float64(st.Parked))
	outboxOldestPending.Set(st.OldestPendingAge.Seconds())
}
