package payments

import (
	"context"
	"errors"
	"testing"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/pkg/ids"
	"zeromall/pkg/xerr"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// The buyer paid twice: the first attempt's money arrives after the buyer paid again in the
// reopened window. The second sum is recorded and refunded, not answered 409 and lost.
func TestHandleCallback_MoneyReceivedTwiceIsRecordedAndRefunded(t *testing.T) {
	f := newOutboxFixture(t)
	ctx := context.Background()
	p, err := f.svc.Create(ctx, 7, ids.NewSN(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	paid := func(trade string) Callback {
		return Callback{PaymentSn: p.Sn, TradeNo: trade, Succeeded: true, Amount: p.Amount, PaidAt: time.Now().Unix()}
	}
	surplus := testutil.ToFloat64(unsettledMoney.WithLabelValues(reasonSurplus))
	if err := f.svc.HandleCallback(ctx, paid("T-new-window")); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the provider repeats its notification
		if err := f.svc.HandleCallback(ctx, paid("T-first-attempt")); err != nil {
			t.Fatalf("money for a settled payment: %v, want it accepted and refunded", err)
		}
	}
	got, err := f.svc.Receipts(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].TradeNo != "T-new-window" || got[0].Outcome != model.ReceiptSettled ||
		got[1].TradeNo != "T-first-attempt" || got[1].Outcome != model.ReceiptRefunded || got[1].Amount != p.Amount || got[1].Note == "" {
		t.Fatalf("receipts %+v", got)
	}
	if d := testutil.ToFloat64(unsettledMoney.WithLabelValues(reasonSurplus)) - surplus; d != 1 {
		t.Errorf("surplus refunds counted %v, want 1", d)
	}
	fresh, _ := f.svc.Get(ctx, 7, p.Sn)
	if fresh.Status != Succeeded || fresh.TradeNo != "T-new-window" {
		t.Errorf("payment %s with trade %s, want succeeded by the first trade to arrive", fresh.Status, fresh.TradeNo)
	}
}

// Money for an expired payment is refunded and recorded as such.
func TestHandleCallback_LateMoneyIsRecordedAsRefunded(t *testing.T) {
	f := newOutboxFixture(t)
	f.svc.timing.ExpireAfter = 10 * time.Millisecond
	ctx := context.Background()
	p, err := f.svc.Create(ctx, 7, ids.NewSN(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	late := testutil.ToFloat64(unsettledMoney.WithLabelValues(reasonLate))
	if err := f.svc.HandleCallback(ctx, Callback{PaymentSn: p.Sn, TradeNo: "T-late", Succeeded: true, Amount: p.Amount, PaidAt: time.Now().Unix()}); err != nil {
		t.Fatal(err)
	}
	got, _ := f.svc.Receipts(ctx, p)
	if len(got) != 1 || got[0].Outcome != model.ReceiptRefunded || got[0].Note != expiredRefundNote {
		t.Fatalf("receipts %+v, want the late money refunded", got)
	}
	if d := testutil.ToFloat64(unsettledMoney.WithLabelValues(reasonLate)) - late; d != 1 {
		t.Errorf("late refunds counted %v, want 1", d)
	}
}

// Delivered messages older than the cutoff are purged; pending ones never are.
func TestPurgeDeliveredBefore(t *testing.T) {
	f := newOutboxFixture(t)
	ctx := context.Background()
	for _, sn := range []string{"o1", "o2", "o3"} {
		f.queue(t, model.TopicOrderPaid, sn)
	}
	if n := f.svc.DeliverDue(ctx, relay("r1")); n != 3 {
		t.Fatalf("delivered %d, want 3", n)
	}
	f.queue(t, model.TopicOrderPaid, "o4") // pending, and old
	if _, err := f.db.Exec("UPDATE outbox SET delivered_at = UTC_TIMESTAMP() - INTERVAL 8 DAY, created_at = UTC_TIMESTAMP() - INTERVAL 8 DAY WHERE aggregate IN ('o1', 'o2', 'o4')"); err != nil {
		t.Fatal(err)
	}
	n, err := f.svc.PurgeDeliveredBefore(ctx, time.Now().Add(-7*24*time.Hour), 100)
	if err != nil || n != 2 {
		t.Fatalf("purged %d (%v), want the 2 delivered 8 days ago", n, err)
	}
	if d, p := f.count(t, model.OutboxDelivered), f.count(t, model.OutboxPending); d != 1 || p != 1 {
		t.Fatalf("left %d delivered and %d pending, want 1 and 1", d, p)
	}
}

// A payment callback becomes a paid order: the payment settles, its receipt is recorded, and the
// order hears "paid" exactly once through the outbox, however often the provider repeats itself.
func TestHandleCallback_SettlesThePaymentAndTellsTheOrderOnce(t *testing.T) {
	f := newOutboxFixture(t)
	ctx := context.Background()
	orderSn := ids.NewSN(time.Now())
	p, err := f.svc.Create(ctx, 7, orderSn)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != Pending || p.Amount != 1000 {
		t.Fatalf("opened %+v, want a pending payment of the order's 1000 cents", p)
	}
	paid := Callback{PaymentSn: p.Sn, TradeNo: "T-1", Succeeded: true, Amount: p.Amount, PaidAt: time.Now().Unix()}
	for range 3 {
		if err := f.svc.HandleCallback(ctx, paid); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.svc.Get(ctx, 7, p.Sn)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != Succeeded || got.TradeNo != "T-1" || got.PaidAt.Unix() != paid.PaidAt {
		t.Fatalf("payment %+v, want succeeded by T-1 at %d", got, paid.PaidAt)
	}
	if receipts, _ := f.svc.Receipts(ctx, got); len(receipts) != 1 || receipts[0].Outcome != model.ReceiptSettled {
		t.Fatalf("receipts %+v, want one settled", receipts)
	}
	f.svc.DeliverDue(ctx, relay("r1"))
	if calls := f.orders.delivered(orderSn); len(calls) != 1 || calls[0] != "paid" {
		t.Fatalf("order-rpc heard %v, want [paid] once", calls)
	}
}

// A callback that does not match the payment changes nothing.
func TestHandleCallback_RefusesAWrongAmountAndChangesNothing(t *testing.T) {
	f := newOutboxFixture(t)
	ctx := context.Background()
	p, err := f.svc.Create(ctx, 7, ids.NewSN(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	err = f.svc.HandleCallback(ctx, Callback{PaymentSn: p.Sn, TradeNo: "T-1", Succeeded: true, Amount: p.Amount + 1, PaidAt: time.Now().Unix()})
	if !errors.Is(err, xerr.ErrAmountMismatch) {
		t.Fatalf("wrong amount: %v, want ErrAmountMismatch", err)
	}
	got, _ := f.svc.Get(ctx, 7, p.Sn)
	receipts, _ := f.svc.Receipts(ctx, got)
	if got.Status != Pending || len(receipts) != 0 || f.count(t, model.OutboxPending) != 0 {
		t.Fatalf("payment %s, %d receipts, %d queued messages: want it untouched", got.Status, len(receipts), f.count(t, model.OutboxPending))
	}
}
