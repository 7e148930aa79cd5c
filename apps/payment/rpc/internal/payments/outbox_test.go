package payments

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"zeromall/apps/payment/model"
	"zeromall/apps/payment/model/migrations"
	"zeromall/pkg/ids"
	"zeromall/pkg/store"
	"zeromall/pkg/testkit"
	"zeromall/pkg/xerr"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// These tests run the relay against real MySQL and Redis. order-rpc is replaced by recordingOrders:
// the tests must decide when its answers fail, and record the order in which it hears of each
// order's changes. The whole path against the real order-rpc runs in e2e (chaos_test.go).

// recordingOrders records every call per order and answers with what fail says (nil: success).
type recordingOrders struct {
	mu    sync.Mutex
	calls map[string][]string // order number -> "paid", "refunded" per delivered call
	fail  func(topic, sn string) error
	block chan struct{} // when set, each call waits for it to close
}

// Hold answers as order-rpc does for a pending order of owner worth 1000 cents.
func (o *recordingOrders) Hold(_ context.Context, owner int64, sn string, _ time.Time) (Order, error) {
	return Order{Sn: sn, UserID: owner, Amount: 1000}, nil
}

func (o *recordingOrders) MarkPaid(_ context.Context, sn string, _ int64) error {
	return o.call("paid", sn)
}

func (o *recordingOrders) MarkRefunded(_ context.Context, sn string) error {
	return o.call("refunded", sn)
}

func (o *recordingOrders) call(topic, sn string) error {
	if o.block != nil {
		<-o.block
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var err error
	if o.fail != nil {
		err = o.fail(topic, sn)
	}
	if err == nil {
		o.calls[sn] = append(o.calls[sn], topic)
	}
	return err
}

func (o *recordingOrders) delivered(sn string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.calls[sn])
}

type outboxFixture struct {
	svc    *Service
	orders *recordingOrders
	outbox model.OutboxModel // the operator's view (cmd/outbox)
	db     *sql.DB
	dbName string
}

func newOutboxFixture(t *testing.T) *outboxFixture {
	t.Helper()
	dsn := testkit.NewMigratedDSN(t, "payment", migrations.Files)
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &outboxFixture{orders: &recordingOrders{calls: map[string][]string{}}, db: db}
	if err := db.QueryRow("SELECT DATABASE()").Scan(&f.dbName); err != nil {
		t.Fatal(err)
	}
	conn, r := store.NewConn(dsn), testkit.StartRedis(t)
	c := r.CacheConf()
	f.outbox = model.NewOutboxModel(conn, c)
	tables := Tables{Payments: model.NewPaymentsModel(conn, c), Receipts: model.NewPaymentReceiptsModel(conn, c), Outbox: f.outbox}
	f.svc = New(conn, tables, f.orders, Timing{ExpireAfter: time.Hour}, r.Journal(conn))
	return f
}

// queue commits one message about an order, as a payment change does.
func (f *outboxFixture) queue(t *testing.T, topic, orderSn string) {
	t.Helper()
	payload, _ := json.Marshal(orderMessage{PaymentSn: "p" + orderSn, OrderSn: orderSn})
	err := f.svc.db.TransactCtx(context.Background(), func(ctx context.Context, tx sqlx.Session) error {
		return f.svc.outbox.AddTx(ctx, tx, orderSn, topic, string(payload))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (f *outboxFixture) count(t *testing.T, status string) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow("SELECT COUNT(*) FROM outbox WHERE status = ?", status).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func relay(owner string) Delivery {
	return Delivery{Owner: owner, Lease: 5 * time.Second, Batch: 50, MinBackoff: 20 * time.Millisecond, MaxBackoff: 40 * time.Millisecond}
}

// The overtaking the ordered outbox prevents: "paid" fails and waits for its retry; the refund of the same order,
// committed after it, must not be delivered first (order-rpc would refuse it and the stock would
// never come back).
func TestDeliverDue_ARefundNeverOvertakesThePaymentWaitingForItsRetry(t *testing.T) {
	f := newOutboxFixture(t)
	failPaidOnce := map[string]bool{"A": true}
	f.orders.fail = func(topic, sn string) error {
		if topic == "paid" && failPaidOnce[sn] {
			failPaidOnce[sn] = false
			return xerr.ErrServiceUnavailable
		}
		return nil
	}
	f.queue(t, model.TopicOrderPaid, "A")
	f.queue(t, model.TopicOrderRefunded, "A")
	f.queue(t, model.TopicOrderPaid, "B")

	ctx := context.Background()
	f.svc.DeliverDue(ctx, relay("r1"))
	if got := f.orders.delivered("A"); len(got) != 0 {
		t.Fatalf("order A heard %v while its payment waits for a retry", got)
	}
	if got := f.orders.delivered("B"); !slices.Equal(got, []string{"paid"}) {
		t.Fatalf("order B heard %v: another order's retry must not hold it up", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for f.count(t, model.OutboxPending) > 0 && time.Now().Before(deadline) {
		time.Sleep(25 * time.Millisecond)
		f.svc.DeliverDue(ctx, relay("r1"))
	}
	if got := f.orders.delivered("A"); !slices.Equal(got, []string{"paid", "refunded"}) {
		t.Fatalf("order A heard %v, want [paid refunded]", got)
	}
}

// Many relays and flaky deliveries: every order still hears "paid" before "refunded", each once.
func TestDeliverDue_ManyRelaysKeepEachOrdersMessagesInOrder(t *testing.T) {
	f := newOutboxFixture(t)
	var mu sync.Mutex
	rnd := rand.New(rand.NewPCG(1, 2))
	f.orders.fail = func(string, string) error {
		mu.Lock()
		defer mu.Unlock()
		if rnd.IntN(3) == 0 {
			return xerr.ErrTimeout
		}
		return nil
	}
	const orders = 40
	for i := range orders {
		f.queue(t, model.TopicOrderPaid, fmt.Sprintf("o%02d", i))
	}
	for i := range orders {
		f.queue(t, model.TopicOrderRefunded, fmt.Sprintf("o%02d", i))
	}
	var wg sync.WaitGroup
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := relay(fmt.Sprintf("relay-%d", r))
			d.Batch = 7
			deadline := time.Now().Add(20 * time.Second)
			for f.count(t, model.OutboxPending) > 0 && time.Now().Before(deadline) {
				if f.svc.DeliverDue(context.Background(), d) == 0 {
					time.Sleep(10 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	if n := f.count(t, model.OutboxPending); n != 0 {
		t.Fatalf("%d messages still pending", n)
	}
	for i := range orders {
		sn := fmt.Sprintf("o%02d", i)
		if got := f.orders.delivered(sn); !slices.Equal(got, []string{"paid", "refunded"}) {
			t.Fatalf("order %s heard %v, want [paid refunded]", sn, got)
		}
	}
}

// A relay that leased messages and died: nobody else delivers them until its lease ends, then
// another relay does, and the dead relay can no longer record an outcome for them.
func TestDeliverDue_ADeadRelaysMessagesAreTakenOverAfterItsLease(t *testing.T) {
	f := newOutboxFixture(t)
	f.queue(t, model.TopicOrderPaid, "A")
	ctx := context.Background()
	leased, err := f.svc.outbox.ClaimDue(ctx, "dead", 400*time.Millisecond, 10)
	if err != nil || len(leased) != 1 {
		t.Fatalf("dead relay leased %d: %v", len(leased), err)
	}
	if n := f.svc.DeliverDue(ctx, relay("live")); n != 0 {
		t.Fatalf("a live relay took %d messages under another's lease", n)
	}
	time.Sleep(500 * time.Millisecond)
	if n := f.svc.DeliverDue(ctx, relay("live")); n != 1 {
		t.Fatalf("after the lease a live relay took %d messages, want 1", n)
	}
	if got := f.orders.delivered("A"); !slices.Equal(got, []string{"paid"}) {
		t.Fatalf("order A heard %v", got)
	}
	if held, err := f.svc.outbox.Delivered(ctx, leased[0].Id, "dead"); err != nil || held {
		t.Fatalf("the dead relay recorded an outcome after losing its lease (held=%v, %v)", held, err)
	}
}

// The relay calls order-rpc with no transaction open: MySQL holds no lock and no transaction of
// the payment database while a delivery is in flight.
func TestDeliverDue_HoldsNoTransactionDuringTheCall(t *testing.T) {
	f := newOutboxFixture(t)
	f.queue(t, model.TopicOrderPaid, "A")
	f.orders.block = make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.svc.DeliverDue(context.Background(), relay("r1"))
	}()
	testkit.Eventually(t, 5*time.Second, "the delivery is in flight", func() bool {
		var owner string
		_ = f.db.QueryRow("SELECT lease_owner FROM outbox LIMIT 1").Scan(&owner)
		return owner == "r1"
	})
	time.Sleep(100 * time.Millisecond) // the relay is inside MarkPaid now
	var open int
	err := f.db.QueryRow("SELECT COUNT(*) FROM information_schema.innodb_trx t JOIN information_schema.processlist p"+
		" ON p.id = t.trx_mysql_thread_id WHERE p.db = ?", f.dbName).Scan(&open)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := f.db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = conn.ExecContext(context.Background(), "SET SESSION innodb_lock_wait_timeout = 1")
	_, lockErr := conn.ExecContext(context.Background(), "UPDATE outbox SET last_error = 'probe'")
	close(f.orders.block)
	<-done
	if open != 0 || lockErr != nil {
		t.Fatalf("during the call: %d open transactions, update of the message: %v", open, lockErr)
	}
	if n := f.count(t, model.OutboxDelivered); n != 1 {
		t.Fatalf("%d delivered, want 1", n)
	}
}

// A message order-rpc refuses for good is parked, holds back its order's later messages, shows in
// the stats, and is delivered with them once replayed.
func TestDeliverDue_ParkedMessageBlocksItsOrderUntilReplayed(t *testing.T) {
	f := newOutboxFixture(t)
	refuse := true
	f.orders.fail = func(topic, sn string) error {
		if refuse && topic == "paid" && sn == "A" {
			return xerr.ErrOrderNotFound
		}
		return nil
	}
	f.queue(t, model.TopicOrderPaid, "A")
	f.queue(t, model.TopicOrderRefunded, "A")
	ctx := context.Background()
	for range 3 {
		f.svc.DeliverDue(ctx, relay("r1"))
	}
	st, err := f.svc.outbox.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Parked != 1 || st.Pending != 1 || len(f.orders.delivered("A")) != 0 {
		t.Fatalf("stats %+v, order A heard %v; want 1 parked, 1 pending behind it, nothing delivered", st, f.orders.delivered("A"))
	}
	parked, err := f.outbox.ListParked(ctx, 10)
	if err != nil || len(parked) != 1 || parked[0].Topic != model.TopicOrderPaid || parked[0].LastError == "" {
		t.Fatalf("parked list %+v, %v", parked, err)
	}
	refuse = false
	if n, err := f.outbox.Replay(ctx, parked[0].Id); err != nil || n != 1 {
		t.Fatalf("replay changed %d: %v", n, err)
	}
	for range 3 {
		f.svc.DeliverDue(ctx, relay("r1"))
	}
	if got := f.orders.delivered("A"); !slices.Equal(got, []string{"paid", "refunded"}) {
		t.Fatalf("after the replay order A heard %v", got)
	}
	if st, _ := f.svc.outbox.Stats(ctx); st.Parked != 0 || st.Pending != 0 {
		t.Fatalf("stats after the replay %+v", st)
	}
}

func TestCreate_DrawsAnotherPaymentNumberWhenOneIsTaken(t *testing.T) {
	f := newOutboxFixture(t)
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

// Money that settled a payment whose order had been cancelled first is refunded: the payment, its
// receipt and the unsettled-money count all say so.
func TestDeliverDue_APaymentForACancelledOrderIsRefundedAndItsReceiptSaysSo(t *testing.T) {
	f := newOutboxFixture(t)
	ctx := context.Background()
	p, err := f.svc.Create(ctx, 7, ids.NewSN(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.HandleCallback(ctx, Callback{PaymentSn: p.Sn, TradeNo: "T-1", Succeeded: true, Amount: p.Amount, PaidAt: time.Now().Unix()}); err != nil {
		t.Fatal(err)
	}
	f.orders.fail = func(topic, _ string) error {
		if topic == "paid" {
			return xerr.ErrOrderCancelled
		}
		return nil
	}
	cancelled := testutil.ToFloat64(unsettledMoney.WithLabelValues(reasonCancelled))
	f.svc.DeliverDue(ctx, relay("r1"))
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
}
