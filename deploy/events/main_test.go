package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"zeromall/apps/order/model/migrations"
	"zeromall/pkg/events"
	"zeromall/pkg/store"
	"zeromall/pkg/testkit"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// An event that a consumer could not apply is a dead letter the tool lists with its reason; once
// the cause is fixed, replay gives it to the consumer again, which applies it, and the dead
// letter is gone. Real MySQL and JetStream.
func TestEvents_ListsADeadLetterAndReplaysIt(t *testing.T) {
	logx.SetLevel(logx.ErrorLevel)
	ctx := context.Background()
	dsn := testkit.NewMigratedDSN(t, "order", migrations.Files)
	db := store.NewConn(dsn)
	n := testkit.StartNATS(t)
	broker := events.Config{URL: n.URL, Replicas: 1}
	bus, err := events.Connect(broker, "events-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bus.Close)

	outbox := events.NewOutbox(db)
	ev := events.New(ctx, "order", events.SubjectOrderPaid, "A", events.VersionSettled)
	ev.Body = &events.Event_OrderPaid{OrderPaid: &events.OrderPaid{OrderSn: "A"}}
	if err := db.TransactCtx(ctx, func(ctx context.Context, tx sqlx.Session) error { return outbox.AddTx(ctx, tx, ev) }); err != nil {
		t.Fatal(err)
	}
	relay := events.NewRelay(outbox, bus, events.Orders, events.RelayConfig{Interval: time.Hour, Batch: 10, Lease: 15 * time.Second,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, StatsInterval: time.Hour})
	relay.PublishDue(ctx)

	var broken atomic.Bool
	broken.Store(true)
	var applied atomic.Int32
	c := bus.Consume("mailer", events.Orders, events.SubjectOrderPaid,
		events.ConsumerConfig{MaxDeliver: 2, MinBackoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, AckWait: 5 * time.Second},
		func(context.Context, *events.Event) error {
			if broken.Load() {
				return errors.New("the mail server is away")
			}
			applied.Add(1)
			return nil
		})
	t.Cleanup(c.Stop)

	configs := map[string]*serviceConfig{"order": {DB: struct{ DataSource string }{dsn}}, "payment": {DB: struct{ DataSource string }{dsn}}}
	configs["order"].Events.Broker = broker
	runTool := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(ctx, bus.JetStream(), configs, args, &out); err != nil {
			t.Fatalf("events %v: %v", args, err)
		}
		return out.String()
	}
	testkit.Eventually(t, 20*time.Second, "the event is a dead letter", func() bool {
		return strings.Contains(runTool("dead"), ev.Id)
	})
	list := runTool("dead")
	if !strings.Contains(list, "mailer") || !strings.Contains(list, "order.paid") || !strings.Contains(list, "the mail server is away") {
		t.Fatalf("events dead says:\n%s", list)
	}
	st := runTool("status")
	for _, want := range []string{"ORDERS", "DEADLETTERS", "mailer", "OUTBOX"} {
		if !strings.Contains(st, want) {
			t.Errorf("events status does not show %s:\n%s", want, st)
		}
	}

	broken.Store(false)
	runTool("replay", "1")
	testkit.Eventually(t, 20*time.Second, "the replayed event is applied", func() bool { return applied.Load() == 1 })
	if list := runTool("dead"); strings.Contains(list, ev.Id) {
		t.Fatalf("the replayed dead letter is still listed:\n%s", list)
	}
	var out bytes.Buffer
	if err := run(ctx, bus.JetStream(), configs, []string{"replay", "x"}, &out); !errors.Is(err, errUsage) {
		t.Errorf("replay x: %v, want the usage", err)
	}
}
