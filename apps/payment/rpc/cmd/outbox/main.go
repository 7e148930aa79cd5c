// Command outbox shows and replays payment-rpc's outbox for an operator: `list` prints the backlog
// and every parked message (one order-rpc refused for good), `replay <id>` or `replay all` makes
// parked messages due again once their cause is fixed; a running relay delivers them within its
// interval. It reads the database from payment-rpc's own YAML (PAYMENT_DB_DSN overrides it).
//
//	go run ./apps/payment/rpc/cmd/outbox [-f apps/payment/rpc/etc/payment-rpc.yaml] list|replay <id>|replay all
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

	"zeromall/apps/payment/model"
	"zeromall/pkg/confx"
	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/logx"
)

var configFile = flag.String("f", "apps/payment/rpc/etc/payment-rpc.yaml", "payment-rpc's config file")

func main() {
	flag.Parse()
	logx.Disable()
	var c struct{ store.Config }
	if err := confx.Load(*configFile, &c); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	outbox := model.NewOutboxModel(store.NewConn(c.DB.DataSource), c.Cache)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, outbox, flag.Args(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "outbox:", err)
		os.Exit(1)
	}
}

// errUsage is returned for arguments the command does not understand.
var errUsage = errors.New("usage: outbox list | outbox replay <id> | outbox replay all")

// listLimit bounds how many parked messages list prints.
const listLimit = 200

func run(ctx context.Context, outbox model.OutboxModel, args []string, out io.Writer) error {
	switch {
	case len(args) == 0 || (len(args) == 1 && args[0] == "list"):
		return list(ctx, outbox, out)
	case len(args) == 2 && args[0] == "replay":
		var id int64 // 0: all
		if args[1] != "all" {
			n, err := strconv.ParseInt(args[1], 10, 64)
			if err != nil || n <= 0 {
				return fmt.Errorf("replay: %q is not a message id (or \"all\")", args[1])
			}
			id = n
		}
		n, err := outbox.Replay(ctx, id)
		if err != nil {
			return err
		}
		if id > 0 && n == 0 {
			return fmt.Errorf("replay: message %d is not parked", id)
		}
		_, err = fmt.Fprintf(out, "replayed %d message(s); the relay delivers them within its interval\n", n)
		return err
	default:
		return errUsage
	}
}

func list(ctx context.Context, outbox model.OutboxModel, out io.Writer) error {
	st, err := outbox.Stats(ctx)
	if err != nil {
		return err
	}
	parked, err := outbox.ListParked(ctx, listLimit)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "pending %d (oldest %s), parked %d\n", st.Pending, st.OldestPendingAge.Round(time.Second), st.Parked)
	if len(parked) == 0 {
		return nil
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tORDER\tTOPIC\tATTEMPTS\tCREATED\tLAST ERROR")
	for _, m := range parked {
		fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%s\n", m.Id, m.Aggregate, m.Topic, m.Attempts, m.CreatedAt.UTC().Format(time.RFC3339), m.LastError)
	}
	return w.Flush()
}
