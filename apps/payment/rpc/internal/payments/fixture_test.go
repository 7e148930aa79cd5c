package payments

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/apps/payment/model/migrations"
	"zeromall/pkg/events"
	"zeromall/pkg/ids"
	"zeromall/pkg/store"
	"zeromall/pkg/testkit"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// These tests run the domain on real MySQL and Redis. order-rpc is replaced by pendingOrders (its
// one call, Hold), and the events stay in the outbox, where the tests read them: publishing is
// pkg/events' (its tests run the relay on a real JetStream), and the whole path against the real
// order-rpc and broker runs in e2e.

// pendingOrders answers Hold as order-rpc does for a pending order of owner worth 1000 cents.
type pendingOrders struct{}

func (pendingOrders) Hold(_ context.Context, owner int64, sn string, _ time.Time) (Order, error) {
	return Order{Sn: sn, UserID: owner, Amount: 1000}, nil
}

type fixture struct {
	svc *Service
	db  *sql.DB
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dsn := testkit.NewMigratedDSN(t, "payment", migrations.Files)
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, r := store.NewConn(dsn), testkit.StartRedis(t)
	c := r.CacheConf()
	tables := Tables{Payments: model.NewPaymentsModel(conn, c), Receipts: model.NewPaymentReceiptsModel(conn, c)}
	kit := events.Kit{Outbox: events.NewOutbox(conn), Inbox: events.NewInbox(conn)}
	return &fixture{db: db, svc: New(conn, tables, pendingOrders{}, Timing{ExpireAfter: time.Hour}, r.Journal(conn), kit)}
}

// queued reads the events in the outbox, oldest first.
func (f *fixture) queued(t *testing.T) []*events.Event {
	t.Helper()
	rows, err := f.db.Query("SELECT payload FROM outbox ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []*events.Event
	for rows.Next() {
		var payload string
		if err := rows.Scan(&payload); err != nil {
			t.Fatal(err)
		}
		ev, err := events.Decode([]byte(payload))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCreate_DrawsAnotherPaymentNumberWhenOneIsTaken(t *testing.T) {
	f := newFixture(t)
	taken := ids.NewSN(time.Now())
	fresh := ids.NewSN(time.Now().Add(time.Second))
	draws := []string{taken, taken, fresh}
	f.svc.newSN = func(time.Time) string {
		sn := draws[0]
		draws = draws[1:]
		return sn
	}
	ctx := context.Background()
	first, err := f.svc.Create(ctx, 7, ids.NewSN(time.Now()))
	if err != nil || first.Sn != taken {
		t.Fatalf("first payment %v, %v", first, err)
	}
	second, err := f.svc.Create(ctx, 7, ids.NewSN(time.Now().Add(2*time.Second)))
	if err != nil {
		t.Fatalf("second payment with a taken number: %v", err)
	}
	if second.Sn != fresh || len(draws) != 0 || second.Status != Pending {
		t.Fatalf("second payment %s (%s), want %s after a redraw", second.Sn, second.Status, fresh)
	}
}

// Money that settled a payment whose order had been cancelled first is refunded when order-rpc
// says so (order.payment_rejected), once however often the event comes: the payment, its
// receipt, the unsettled-money count and one payment.refunded event all say so.
func TestHandleOrderEvent_APaymentRejectedByItsCancelledOrderIsRefundedOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, err := f.svc.Create(ctx, 7, ids.NewSN(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.HandleCallback(ctx, Callback{PaymentSn: p.Sn, TradeNo: "T-1", Succeeded: true, Amount: p.Amount, PaidAt: time.Now().Unix()}); err != nil {
		t.Fatal(err)
	}
	rejected := events.New(ctx, "order", events.SubjectOrderPaymentRejected, p.OrderSn, events.VersionSettled)
	rejected.Body = &events.Event_OrderPaymentRejected{OrderPaymentRejected: &events.OrderPaymentRejected{OrderSn: p.OrderSn, PaymentSn: p.Sn}}
	cancelled := testutil.ToFloat64(unsettledMoney.WithLabelValues(reasonCancelled))
	for range 3 { // redelivered
		if err := f.svc.HandleOrderEvent(ctx, rejected); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := f.svc.Get(ctx, 7, p.Sn)
	receipts, _ := f.svc.Receipts(ctx, got)
	if got.Status != Refunded {
		t.Fatalf("payment %s, want refunded", got.Status)
	}
	if len(receipts) != 1 || receipts[0].Outcome != ReceiptRefunded || receipts[0].Note != lateRefundNote {
		t.Fatalf("receipts %+v, want T-1 refunded because the order was cancelled", receipts)
	}
	if d := testutil.ToFloat64(unsettledMoney.WithLabelValues(reasonCancelled)) - cancelled; d != 1 {
		t.Errorf("refunds for cancelled orders counted %v, want 1", d)
	}
	var types []string
	for _, ev := range f.queued(t) {
		types = append(types, ev.Type)
	}
	if len(types) != 2 || types[0] != events.SubjectPaymentSucceeded || types[1] != events.SubjectPaymentRefunded {
		t.Fatalf("events queued %v, want payment.succeeded then one payment.refunded", types)
	}
	unknown := events.New(ctx, "order", events.SubjectOrderPaymentRejected, p.OrderSn, events.VersionSettled)
	unknown.Body = &events.Event_OrderPaymentRejected{OrderPaymentRejected: &events.OrderPaymentRejected{PaymentSn: ids.NewSN(time.Now())}}
	if err := f.svc.HandleOrderEvent(ctx, unknown); !events.IsPermanent(err) {
		t.Fatal("an event about an unknown payment was accepted; want a permanent error (dead letter)")
	}
}
