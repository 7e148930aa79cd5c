// Command events shows and repairs zeromall's event bus for an operator (make events):
//
//	events [status]                  the streams, every durable consumer's lag and redeliveries,
//	                                 the dead letters per consumer, and both outboxes' backlog
//	events dead                      every dead letter: its consumer, subject, event and why
//	events replay <seq>              publishes dead letter <seq> again on its subject (every
//	                                 consumer applies an event once, so the others skip it) and
//	                                 removes it from the dead letters
//	events outbox <order|payment> replay <id|all>
//	                                 makes parked outbox rows due again
//
// It reads the broker and the databases from order-rpc's and payment-rpc's YAML (-order,
// -payment), so NATS_URL, NATS_USER, NATS_PASSWORD, ORDER_DB_DSN and PAYMENT_DB_DSN point it at
// another environment.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"zeromall/pkg/confx"
	"zeromall/pkg/events"
	"zeromall/pkg/store"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/zeromicro/go-zero/core/logx"
)

// serviceConfig is what the tool reads of an rpc's YAML.
type serviceConfig struct {
	DB struct {
		DataSource string
	}
	Events events.ServiceConfig
}

var (
	orderFile   = flag.String("order", "apps/order/rpc/etc/order-rpc.yaml", "order-rpc's config file")
	paymentFile = flag.String("payment", "apps/payment/rpc/etc/payment-rpc.yaml", "payment-rpc's config file")
)

var errUsage = errors.New("usage: events [status] | events dead | events replay <seq> | events outbox <order|payment> replay <id|all>")

func main() {
	flag.Parse()
	logx.Disable()
	configs := map[string]*serviceConfig{}
	for name, file := range map[string]string{"order": *orderFile, "payment": *paymentFile} {
		var c serviceConfig
		if err := confx.Load(file, &c); err != nil {
			fail(err)
		}
		configs[name] = &c
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	bus, err := events.Connect(configs["order"].Events.Broker, "events-tool")
	if err != nil {
		fail(err)
	}
	defer bus.Close()
	if err := run(ctx, bus.JetStream(), configs, flag.Args(), os.Stdout); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "events:", err)
	os.Exit(1)
}

func run(ctx context.Context, js jetstream.JetStream, configs map[string]*serviceConfig, args []string, out io.Writer) error {
	switch {
	case len(args) == 0 || args[0] == "status":
		if err := status(ctx, js, out); err != nil {
			return err
		}
		return outboxes(ctx, configs, out)
	case args[0] == "dead" && len(args) == 1:
		return dead(ctx, js, out)
	case args[0] == "replay" && len(args) == 2:
		seq, err := strconv.ParseUint(args[1], 10, 64)
		if err != nil {
			return errUsage
		}
		return replay(ctx, js, seq, out)
	case args[0] == "outbox":
		return replayOutbox(ctx, configs, args[1:], out)
	}
	return errUsage
}

// replayOutbox makes parked rows of one service's outbox due again: <order|payment> replay <id|all>.
func replayOutbox(ctx context.Context, configs map[string]*serviceConfig, args []string, out io.Writer) error {
	if len(args) != 3 || args[1] != "replay" {
		return errUsage
	}
	service, which := args[0], args[2]
	c, ok := configs[service]
	if !ok {
		return errUsage
	}
	var id int64
	if which != "all" {
		n, err := strconv.ParseInt(which, 10, 64)
		if err != nil || n <= 0 {
			return errUsage
		}
		id = n
	}
	n, err := events.NewOutbox(store.NewConn(c.DB.DataSource)).Replay(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d parked row(s) of %s's outbox are due again\n", n, service)
	return nil
}

// status prints every stream and its consumers.
func status(ctx context.Context, js jetstream.JetStream, out io.Writer) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "STREAM\tSUBJECTS\tEVENTS\tBYTES\tREPLICAS\tFIRST\tLAST")
	var consumers []*jetstream.ConsumerInfo
	for _, s := range events.Streams {
		st, err := js.Stream(ctx, s.Name)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			fmt.Fprintf(w, "%s\t%s\tnot declared yet\t\t\t\t\n", s.Name, s.Subjects)
			continue
		}
		if err != nil {
			return err
		}
		info, err := st.Info(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%d\t%d\n", s.Name, s.Subjects, info.State.Msgs, info.State.Bytes,
			info.Config.Replicas, info.State.FirstSeq, info.State.LastSeq)
		list := st.ListConsumers(ctx)
		for ci := range list.Info() {
			consumers = append(consumers, ci)
		}
		if err := list.Err(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "CONSUMER\tSTREAM\tFILTER\tWAITING\tIN FLIGHT\tREDELIVERED\tDELIVERED\tDEAD LETTERS")
	for _, ci := range consumers {
		n, err := deadCount(ctx, js, ci.Name)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", ci.Name, ci.Stream, ci.Config.FilterSubject,
			ci.NumPending, ci.NumAckPending, ci.NumRedelivered, ci.Delivered.Stream, n)
	}
	return w.Flush()
}

// deadCount is how many dead letters consumer has.
func deadCount(ctx context.Context, js jetstream.JetStream, consumer string) (uint64, error) {
	st, err := js.Stream(ctx, events.DeadLetters.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	info, err := st.Info(ctx, jetstream.WithSubjectFilter(events.DeadLetterSubject(consumer)))
	if err != nil {
		return 0, err
	}
	return info.State.Subjects[events.DeadLetterSubject(consumer)], nil
}

// outboxes prints the backlog of both outboxes.
func outboxes(ctx context.Context, configs map[string]*serviceConfig, out io.Writer) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "\nOUTBOX\tPENDING\tPARKED\tOLDEST PENDING")
	for _, name := range []string{"order", "payment"} {
		st, err := events.NewOutbox(store.NewConn(configs[name].DB.DataSource)).Stats(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%s\n", name, st.Pending, st.Parked, st.OldestPendingAge.Round(time.Millisecond))
	}
	return w.Flush()
}

// dead prints every dead letter.
func dead(ctx context.Context, js jetstream.JetStream, out io.Writer) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SEQ\tCONSUMER\tSUBJECT\tEVENT\tDELIVERIES\tERROR")
	err := eachDead(ctx, js, func(m *jetstream.RawStreamMsg) {
		id := "(unreadable)"
		if ev, err := events.Decode(m.Data); err == nil {
			id = ev.GetId()
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", m.Sequence, m.Header.Get(events.HeaderConsumer), m.Header.Get(events.HeaderSubject),
			id, m.Header.Get(events.HeaderDeliveries), m.Header.Get(events.HeaderError))
	})
	if err != nil {
		return err
	}
	return w.Flush()
}

func eachDead(ctx context.Context, js jetstream.JetStream, fn func(*jetstream.RawStreamMsg)) error {
	st, err := js.Stream(ctx, events.DeadLetters.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for seq := uint64(1); ; {
		m, err := st.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(">"))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		fn(m)
		seq = m.Sequence + 1
	}
}

// replay publishes dead letter seq on its subject again and removes it.
func replay(ctx context.Context, js jetstream.JetStream, seq uint64, out io.Writer) error {
	st, err := js.Stream(ctx, events.DeadLetters.Name)
	if err != nil {
		return err
	}
	m, err := st.GetMsg(ctx, seq)
	if err != nil {
		return fmt.Errorf("dead letter %d: %w", seq, err)
	}
	subject := m.Header.Get(events.HeaderSubject)
	if subject == "" {
		return fmt.Errorf("dead letter %d names no subject", seq)
	}
	msg := nats.NewMsg(subject)
	msg.Data = m.Data
	// A fresh message id: the stream may still remember the event's own.
	if _, err := js.PublishMsg(ctx, msg, jetstream.WithMsgID(fmt.Sprintf("replay-%s-%d", events.DeadLetters.Name, seq))); err != nil {
		return fmt.Errorf("publish dead letter %d on %s: %w", seq, subject, err)
	}
	if err := st.DeleteMsg(ctx, seq); err != nil {
		return fmt.Errorf("published again, but could not remove dead letter %d: %w", seq, err)
	}
	fmt.Fprintf(out, "dead letter %d published again on %s for %s\n", seq, subject, m.Header.Get(events.HeaderConsumer))
	return nil
}
