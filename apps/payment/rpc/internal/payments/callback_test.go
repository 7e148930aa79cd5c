package payments

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/pkg/events"
	"zeromall/pkg/ids"
	"zeromall/pkg/xerr"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// The buyer paid twice: the first attempt's money arrives after the buyer paid again in the
// reopened window. The second sum is recorded and refunded, not answered 409 and lost.
func TestHandleCallback_MoneyReceivedTwiceIsRecordedAndRefunded(t *testing.T) {
	f := newFixture(t)
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
	if len(got) != 2 || got[0].TradeNo != "T-new-window" || got[0].Outcome != ReceiptSettled ||
		got[1].TradeNo != "T-first-attempt" || got[1].Outcome != ReceiptRefunded || got[1].Amount != p.Amount || got[1].Note == "" {
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
	f := newFixture(t)
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
	if len(got) != 1 || got[0].Outcome != ReceiptRefunded || got[0].Note != expiredRefundNote {
		t.Fatalf("receipts %+v, want the late money refunded", got)
	}
	if d := testutil.ToFloat64(unsettledMoney.WithLabelValues(reasonLate)) - late; d != 1 {
		t.Errorf("late refunds counted %v, want 1", d)
	}
}

// A payment callback becomes a paid order: the payment settles, its receipt is recorded, and the
// outbox holds payment.succeeded exactly once, however often the provider repeats itself.
func TestHandleCallback_SettlesThePaymentAndTellsTheOrderOnce(t *testing.T) {
	f := newFixture(t)
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
	if receipts, _ := f.svc.Receipts(ctx, got); len(receipts) != 1 || receipts[0].Outcome != ReceiptSettled {
		t.Fatalf("receipts %+v, want one settled", receipts)
	}
	queued := f.queued(t)
	if len(queued) != 1 || queued[0].Type != events.SubjectPaymentSucceeded || queued[0].Aggregate != orderSn {
		t.Fatalf("events queued %v, want one payment.succeeded of order %s", queued, orderSn)
	}
	body := queued[0].GetPaymentSucceeded()
	if body.GetPaymentSn() != p.Sn || body.GetAmount() != 1000 || body.GetPaidAt() != paid.PaidAt*1000 || queued[0].AggregateVersion != events.VersionSettled {
		t.Fatalf("payment.succeeded says %v", queued[0])
	}
}

// A callback whose amount is not the payment's is refused as before, but its money is recorded
// as given back (and counted), not left in limbo; the payment and the order are untouched.
func TestHandleCallback_AWrongAmountIsRefusedAndItsMoneyRecordedAsRefunded(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, err := f.svc.Create(ctx, 7, ids.NewSN(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	mismatched := testutil.ToFloat64(unsettledMoney.WithLabelValues(reasonMismatch))
	for range 2 { // the provider repeats it
		err = f.svc.HandleCallback(ctx, Callback{PaymentSn: p.Sn, TradeNo: "T-1", Succeeded: true, Amount: p.Amount + 1, PaidAt: time.Now().Unix()})
		if !errors.Is(err, xerr.ErrAmountMismatch) {
			t.Fatalf("wrong amount: %v, want ErrAmountMismatch", err)
		}
	}
	got, _ := f.svc.Get(ctx, 7, p.Sn)
	receipts, _ := f.svc.Receipts(ctx, got)
	if got.Status != Pending || len(f.queued(t)) != 0 {
		t.Fatalf("payment %s, %d queued messages: want it untouched", got.Status, len(f.queued(t)))
	}
	if len(receipts) != 1 || receipts[0].Outcome != ReceiptRefunded || receipts[0].Amount != p.Amount+1 ||
		!strings.Contains(receipts[0].Note, "does not match") {
		t.Fatalf("receipts %+v, want the mismatched money recorded once as refunded", receipts)
	}
	if d := testutil.ToFloat64(unsettledMoney.WithLabelValues(reasonMismatch)) - mismatched; d != 1 {
		t.Errorf("mismatched sums counted %v, want 1", d)
	}
}

// expiredPayment opens a payment that expires at once and lets it expire.
func expiredPayment(t *testing.T, f *fixture) *Payment {
	t.Helper()
	f.svc.timing.ExpireAfter = 10 * time.Millisecond
	p, err := f.svc.Create(context.Background(), 7, ids.NewSN(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	f.svc.timing.ExpireAfter = time.Hour
	time.Sleep(1100 * time.Millisecond) // expires_at has whole seconds
	return p
}

// assertSettledBy checks that trade settled p: the payment succeeded with it, its receipt says
// settled, the order's news is queued and nothing was counted as surplus since surplusBefore.
func assertSettledBy(t *testing.T, f *fixture, p *Payment, trade string, surplusBefore float64) {
	t.Helper()
	got, err := f.svc.Get(context.Background(), 7, p.Sn)
	if err != nil {
		t.Fatal(err)
	}
	receipts, _ := f.svc.Receipts(context.Background(), got)
	if got.Status != Succeeded || got.TradeNo != trade {
		t.Fatalf("payment %s with trade %q, want succeeded by %s", got.Status, got.TradeNo, trade)
	}
	if len(receipts) != 1 || receipts[0].TradeNo != trade || receipts[0].Outcome != ReceiptSettled {
		t.Fatalf("receipts %+v, want %s settled: the money paid the order", receipts, trade)
	}
	if len(f.queued(t)) != 1 {
		t.Fatalf("%d messages queued for the order, want its paid news", len(f.queued(t)))
	}
	if d := testutil.ToFloat64(unsettledMoney.WithLabelValues(reasonSurplus)) - surplusBefore; d != 0 {
		t.Fatalf("%v sums counted as surplus, want none: no other trade settled the payment", d)
	}
}

// A late callback reads the payment as expired; the buyer reopens it before the callback's
// refund runs. The refund loses its race, and the money settles the reopened payment: it is
// never recorded as refunded surplus while it pays the order (which a repeat would then do).
func TestHandleCallback_ALateTradeRacingAReopenSettlesThePayment(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := expiredPayment(t, f)
	readByTheCallback, err := f.svc.find(ctx, p.Sn, 0)
	if err != nil || inTime(readByTheCallback, time.Now()) {
		t.Fatalf("the callback's read: %+v, %v; want it expired", readByTheCallback, err)
	}
	if _, err := f.svc.Create(ctx, 7, p.OrderSn); err != nil { // the buyer pays again: reopened
		t.Fatal(err)
	}
	surplus := testutil.ToFloat64(unsettledMoney.WithLabelValues(reasonSurplus))
	receipt := &model.PaymentReceipts{PaymentId: p.ID, TradeNo: "T-A", Amount: p.Amount, PaidAt: time.Now().UTC().Truncate(time.Second)}
	if err := f.svc.applyTrade(ctx, readByTheCallback, receipt); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.HandleCallback(ctx, Callback{PaymentSn: p.Sn, TradeNo: "T-A", Succeeded: true, Amount: p.Amount, PaidAt: time.Now().Unix()}); err != nil {
		t.Fatalf("the provider repeats trade A: %v", err)
	}
	assertSettledBy(t, f, p, "T-A", surplus)
}

// The same race with the callback's first read served from a stale cache: the cache still says
// expired while MySQL holds the reopened payment (its cache delete not yet done).
func TestHandleCallback_ALateTradeReadFromAStaleCacheSettlesTheReopenedPayment(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := expiredPayment(t, f)
	if n, err := f.svc.ExpireDue(ctx, 10); err != nil || n != 1 {
		t.Fatalf("expired %d (%v), want 1", n, err)
	}
	if got, err := f.svc.Get(ctx, 7, p.Sn); err != nil || got.Status != Expired { // now cached as expired
		t.Fatalf("payment %+v (%v), want expired", got, err)
	}
	if _, err := f.db.Exec("UPDATE payments SET status = ?, expires_at = UTC_TIMESTAMP() + INTERVAL 1 HOUR WHERE sn = ?",
		model.PaymentPending, p.Sn); err != nil { // reopened behind the cache's back
		t.Fatal(err)
	}
	surplus := testutil.ToFloat64(unsettledMoney.WithLabelValues(reasonSurplus))
	for range 2 { // the provider repeats itself
		if err := f.svc.HandleCallback(ctx, Callback{PaymentSn: p.Sn, TradeNo: "T-A", Succeeded: true, Amount: p.Amount, PaidAt: time.Now().Unix()}); err != nil {
			t.Fatal(err)
		}
	}
	assertSettledBy(t, f, p, "T-A", surplus)
}

// Money that was given back can never settle anything later: the provider first reports trade A
// with a wrong amount (refunded), then with the right one.
func TestHandleCallback_ARefundedTradeNeverSettlesThePayment(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, err := f.svc.Create(ctx, 7, ids.NewSN(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	cb := Callback{PaymentSn: p.Sn, TradeNo: "T-A", Succeeded: true, Amount: p.Amount + 1, PaidAt: time.Now().Unix()}
	if err := f.svc.HandleCallback(ctx, cb); !errors.Is(err, xerr.ErrAmountMismatch) {
		t.Fatalf("wrong amount: %v", err)
	}
	cb.Amount = p.Amount
	if err := f.svc.HandleCallback(ctx, cb); err != nil {
		t.Fatalf("the refunded trade again: %v, want a harmless repeat", err)
	}
	got, _ := f.svc.Get(ctx, 7, p.Sn)
	receipts, _ := f.svc.Receipts(ctx, got)
	if got.Status != Pending || got.TradeNo != "" || len(f.queued(t)) != 0 {
		t.Fatalf("payment %s by %q with %d queued messages: a refunded trade settled it", got.Status, got.TradeNo, len(f.queued(t)))
	}
	if len(receipts) != 1 || receipts[0].Outcome != ReceiptRefunded {
		t.Fatalf("receipts %+v, want only the refunded one", receipts)
	}
}
