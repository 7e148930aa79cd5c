package e2e

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"zeromall/pkg/events"
	"zeromall/pkg/testkit"

	"github.com/nats-io/nats.go/jetstream"
)

// bus connects a test to the stack's broker.
func bus(t *testing.T, stack *testkit.Stack) *events.Bus {
	t.Helper()
	b, err := events.Connect(events.Config{URL: stack.NATS.URL}, "e2e")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// streamEvents reads the events of stream about aggregate with the given subject.
func streamEvents(t *testing.T, stack *testkit.Stack, stream events.Stream, aggregate, subject string) []*events.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := bus(t, stack).JetStream().Stream(ctx, stream.Name)
	if err != nil {
		t.Fatal(err)
	}
	var out []*events.Event
	for seq := uint64(1); ; seq++ {
		m, err := s.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(subject))
		if err != nil {
			return out // no message left with that subject
		}
		ev, err := events.Decode(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Aggregate == aggregate {
			out = append(out, ev)
		}
		seq = m.Sequence
	}
}

// A consumer added at run time, without touching any producer, hears of every paid order once:
// here a throwaway durable consumer of order.paid, started after some orders were paid (it reads
// the stream from the start) and running while more are. Orders left unpaid are not heard of.
func TestEvents_AThrowawayConsumerOfOrderPaidSeesEveryPaidOrderOnce(t *testing.T) {
	e := startPaymentStack(t, nil, map[string]string{"EVENTS_RELAY_INTERVAL": "200ms"})
	payOne := func() string {
		buyer, orderSn, pay := e.purchase(t, productTee)
		if r := e.sandboxPay(t, buyer.Token, pay.str("sn")); r.Status != 200 {
			t.Fatalf("sandbox pay: %d %s", r.Status, r.Raw)
		}
		return orderSn
	}
	paid := map[string]bool{}
	for range 3 {
		paid[payOne()] = true
	}
	_, unpaid, _ := e.purchase(t, productTee)

	var mu sync.Mutex
	heard := map[string]int{}
	name := fmt.Sprintf("throwaway-%d", time.Now().UnixNano())
	c := bus(t, e.stack).Consume(name, events.Orders, events.SubjectOrderPaid,
		events.ConsumerConfig{MaxDeliver: 5, MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, AckWait: 10 * time.Second},
		func(_ context.Context, ev *events.Event) error {
			mu.Lock()
			defer mu.Unlock()
			heard[ev.GetOrderPaid().GetOrderSn()]++
			return nil
		})
	defer c.Stop()

	var wg sync.WaitGroup
	var pmu sync.Mutex
	for range 5 {
		wg.Go(func() {
			sn := payOne()
			pmu.Lock()
			paid[sn] = true
			pmu.Unlock()
		})
	}
	wg.Wait()
	testkit.Eventually(t, 30*time.Second, "the consumer has heard of all 8 paid orders", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(heard) >= len(paid)
	})
	time.Sleep(time.Second) // a duplicate would arrive about now
	mu.Lock()
	defer mu.Unlock()
	for sn := range paid {
		if heard[sn] != 1 {
			t.Errorf("order %s heard %d times, want once", sn, heard[sn])
		}
	}
	if len(heard) != len(paid) || heard[unpaid] != 0 {
		t.Errorf("heard of %d orders (the unpaid one %d times), want the %d paid ones only", len(heard), heard[unpaid], len(paid))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := bus(t, e.stack).JetStream().DeleteConsumer(ctx, events.Orders.Name, name); err != nil {
		t.Errorf("delete the throwaway consumer: %v", err)
	}
}

// The sales read model is another listener of the order events: each paid order adds its units
// and cents to its product's sales, each refund takes them back, once each.
func TestEvents_ProductSalesFollowPaidAndRefundedOrders(t *testing.T) {
	e := startPaymentStack(t, nil, map[string]string{"EVENTS_RELAY_INTERVAL": "200ms"})
	admin := e.admin(t)
	sales := func() response {
		t.Helper()
		r := call(t, http.MethodGet, fmt.Sprintf("%s/order/v1/admin/products/%d/sales", e.base, productTee), admin.Token, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("sales: %d %s", r.Status, r.Raw)
		}
		return r
	}
	num := func(r response, field string) int64 { return int64(r.JSON[field].(float64)) }
	before := sales()
	var price int64
	if err := e.db(t).QueryRow("SELECT price FROM products WHERE id = ?", productTee).Scan(&price); err != nil {
		t.Fatal(err)
	}
	var paid []string
	for range 3 {
		buyer, orderSn, pay := e.purchase(t, productTee)
		if r := e.sandboxPay(t, buyer.Token, pay.str("sn")); r.Status != http.StatusOK {
			t.Fatalf("sandbox pay: %d %s", r.Status, r.Raw)
		}
		e.eventuallyOrder(t, orderSn, "paid")
		paid = append(paid, pay.str("sn"))
		if len(paid) == 1 { // the first buyer asks for the money back
			if r := call(t, http.MethodPost, e.pay+"/payment/v1/payments/"+pay.str("sn")+"/refund", buyer.Token, nil); r.Status != http.StatusOK {
				t.Fatalf("refund: %d %s", r.Status, r.Raw)
			}
			e.eventuallyOrder(t, orderSn, "refunded")
		}
	}
	var after response
	testkit.Eventually(t, 20*time.Second, "the sales count 3 paid orders and 1 refund", func() bool {
		after = sales()
		return num(after, "orders")-num(before, "orders") == 3 && num(after, "unitsRefunded")-num(before, "unitsRefunded") == 1
	})
	if d := num(after, "unitsSold") - num(before, "unitsSold"); d != 3 {
		t.Errorf("units sold rose by %d, want 3", d)
	}
	if d := num(after, "revenue") - num(before, "revenue"); d != 2*price {
		t.Errorf("revenue rose by %d cents, want %d (3 sold, 1 refunded, at %d)", d, 2*price, price)
	}
	if after.str("updatedAt") == "" || num(after, "productId") != productTee {
		t.Errorf("sales answer %s", after.Raw)
	}
}
