package orders

import (
	"context"
	"errors"
	"testing"
	"time"

	"zeromall/pkg/events"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// queued reads the events in the outbox, oldest first, by type.
func queued(t *testing.T, db sqlx.SqlConn) []*events.Event {
	t.Helper()
	var payloads []string
	if err := db.QueryRowsCtx(context.Background(), &payloads, "select `payload` from `outbox` order by `id`"); err != nil {
		t.Fatal(err)
	}
	out := make([]*events.Event, len(payloads))
	for i, p := range payloads {
		ev, err := events.Decode([]byte(p))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = ev
	}
	return out
}

func types(evs []*events.Event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.Type
	}
	return out
}

func paymentEvent(ctx context.Context, orderSn string, succeeded bool) *events.Event {
	if succeeded {
		ev := events.New(ctx, "payment", events.SubjectPaymentSucceeded, orderSn, events.VersionSettled)
		ev.Body = &events.Event_PaymentSucceeded{PaymentSucceeded: &events.PaymentSucceeded{
			PaymentSn: "P" + orderSn, OrderSn: orderSn, PaidAt: time.Now().UnixMilli(),
		}}
		return ev
	}
	ev := events.New(ctx, "payment", events.SubjectPaymentRefunded, orderSn, events.VersionClosed)
	ev.Body = &events.Event_PaymentRefunded{PaymentRefunded: &events.PaymentRefunded{PaymentSn: "P" + orderSn, OrderSn: orderSn}}
	return ev
}

// A payment's events become the order's: paid once however often payment.succeeded comes, a
// refund that arrives before the payment it undoes waits for it, and each change is announced
// once, in order, with what a consumer needs.
func TestHandlePaymentEvent_PaysAndRefundsOnceAndAnnouncesEachChange(t *testing.T) {
	s, db := newCatalogue(t)
	ctx := context.Background()
	p := mustProduct(t, s, "Kettle", 2500, 10)
	o, err := s.Create(ctx, 7, []Line{{ProductID: p.ID, Quantity: 2}}, "")
	if err != nil {
		t.Fatal(err)
	}
	paid, refunded := paymentEvent(ctx, o.Sn, true), paymentEvent(ctx, o.Sn, false)
	if err := s.HandlePaymentEvent(ctx, refunded); !errors.Is(err, errNotYet) || !events.IsNotYet(err) {
		t.Fatalf("a refund before its payment: %v, want it to come again later", err)
	}
	for range 3 {
		if err := s.HandlePaymentEvent(ctx, paid); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.Get(ctx, 7, o.Sn); got.Status != Paid {
		t.Fatalf("order %s after payment.succeeded, want paid", got.Status)
	}
	for range 2 {
		if err := s.HandlePaymentEvent(ctx, refunded); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.Get(ctx, 7, o.Sn); got.Status != Refunded {
		t.Fatalf("order %s after payment.refunded, want refunded", got.Status)
	}
	if got, _ := s.Product(ctx, p.ID); got.Stock != 10 {
		t.Errorf("stock %d after the refund, want 10 back", got.Stock)
	}
	evs := queued(t, db)
	want := []string{events.SubjectOrderCreated, events.SubjectOrderPaid, events.SubjectOrderRefunded}
	if got := types(evs); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("events %v, want %v", got, want)
	}
	created, orderPaid := evs[0].GetOrderCreated(), evs[1].GetOrderPaid()
	if created.GetTotalAmount() != 5000 || len(created.GetItems()) != 1 || created.GetItems()[0].GetQuantity() != 2 || evs[0].AggregateVersion != events.VersionCreated {
		t.Errorf("order.created says %v", evs[0])
	}
	if orderPaid.GetUserId() != 7 || len(orderPaid.GetItems()) != 1 || orderPaid.GetPaidAt() != paid.GetPaymentSucceeded().GetPaidAt() {
		t.Errorf("order.paid says %v (paid at %d)", evs[1], paid.GetPaymentSucceeded().GetPaidAt())
	}
	for _, ev := range evs {
		if ev.Aggregate != o.Sn || ev.Id == "" {
			t.Errorf("event %v is not about order %s or has no id", ev, o.Sn)
		}
	}
	checkLedger(t, db)
}

// Money for an order cancelled before it arrived is rejected once: the order stays cancelled and
// order.payment_rejected tells payment-rpc to give it back. An event about an order that does not
// exist can never succeed.
func TestHandlePaymentEvent_APaymentForACancelledOrderIsRejectedOnce(t *testing.T) {
	s, db := newCatalogue(t)
	ctx := context.Background()
	p := mustProduct(t, s, "Kettle", 2500, 10)
	o, err := s.Create(ctx, 7, []Line{{ProductID: p.ID, Quantity: 1}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Cancel(ctx, 7, o.Sn); err != nil {
		t.Fatal(err)
	}
	paid := paymentEvent(ctx, o.Sn, true)
	for range 3 {
		if err := s.HandlePaymentEvent(ctx, paid); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.Get(ctx, 7, o.Sn); got.Status != Cancelled {
		t.Fatalf("order %s, want it cancelled still", got.Status)
	}
	evs := queued(t, db)
	if got := types(evs); len(got) != 3 || got[1] != events.SubjectOrderCancelled || got[2] != events.SubjectOrderPaymentRejected {
		t.Fatalf("events %v, want order.created, order.cancelled, one order.payment_rejected", got)
	}
	if r := evs[2].GetOrderPaymentRejected(); r.GetPaymentSn() != "P"+o.Sn || evs[1].GetOrderCancelled().GetReason() != "buyer" {
		t.Errorf("events say %v and %v", evs[1], evs[2])
	}
	err = s.HandlePaymentEvent(ctx, paymentEvent(ctx, "202601010000001234567890", true))
	if !events.IsPermanent(err) {
		t.Fatalf("an event about an unknown order: %v, want a permanent error", err)
	}
}

// The sales read model takes order.paid and order.refunded from the outbox's own events, once
// each however often they come.
func TestHandleSalesEvent_FoldsPaidAndRefundedOrdersOnce(t *testing.T) {
	s, db := newCatalogue(t)
	ctx := context.Background()
	p := mustProduct(t, s, "Kettle", 2500, 10)
	o, err := s.Create(ctx, 7, []Line{{ProductID: p.ID, Quantity: 2}}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []*events.Event{paymentEvent(ctx, o.Sn, true), paymentEvent(ctx, o.Sn, false)} {
		if err := s.HandlePaymentEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	evs := queued(t, db) // order.created, order.paid, order.refunded
	for _, ev := range evs[:2] {
		for range 2 {
			if err := s.HandleSalesEvent(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := s.Sales(ctx, p.ID)
	if err != nil || got.UnitsSold != 2 || got.Revenue != 5000 || got.Orders != 1 || got.UnitsRefunded != 0 {
		t.Fatalf("after order.paid twice: %+v (%v), want 2 units, 5000 cents, 1 order", got, err)
	}
	if err := s.HandleSalesEvent(ctx, evs[2]); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Sales(ctx, p.ID)
	if got.UnitsRefunded != 2 || got.Revenue != 0 || got.UnitsSold != 2 {
		t.Fatalf("after order.refunded: %+v, want 2 refunded and no revenue", got)
	}
	if none, err := s.Sales(ctx, mustProduct(t, s, "Spoon", 100, 1).ID); err != nil || none.UnitsSold != 0 || !none.UpdatedAt.IsZero() {
		t.Fatalf("a product never sold: %+v (%v)", none, err)
	}
	if _, err := s.Sales(ctx, 999999); !errors.Is(err, xerr.ErrProductNotFound) {
		t.Fatalf("an unknown product: %v, want ErrProductNotFound", err)
	}
}
