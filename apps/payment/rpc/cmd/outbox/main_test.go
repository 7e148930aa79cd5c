package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"zeromall/apps/payment/model"
	"zeromall/apps/payment/model/migrations"
	"zeromall/pkg/testkit"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

func TestOutboxCommand_ListsAndReplaysParkedMessages(t *testing.T) {
	dsn := testkit.NewMigratedDSN(t, "payment", migrations.Files)
	ctx := context.Background()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, row := range []struct{ order, status, lastErr string }{
		{"202612010000001111111111", model.OutboxParked, "order not found"},
		{"202612010000002222222222", model.OutboxParked, "order not found"},
		{"202612010000003333333333", model.OutboxPending, ""},
	} {
		_, err := db.Exec("INSERT INTO outbox (aggregate, topic, payload, status, last_error) VALUES (?, 'order.paid', '{}', ?, ?)", row.order, row.status, row.lastErr)
		if err != nil {
			t.Fatal(err)
		}
	}
	outbox := model.NewOutboxModel(sqlx.NewMysql(dsn), testkit.StartRedis(t).CacheConf())
	exec := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, outbox, args, &out)
		return out.String(), err
	}

	out, err := exec("list")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "pending 1") || !strings.Contains(out, "parked 2") ||
		!strings.Contains(out, "202612010000001111111111") || strings.Contains(out, "202612010000003333333333") {
		t.Fatalf("list printed:\n%s", out)
	}
	if _, err := exec("replay", "3"); err == nil {
		t.Fatal("replaying a pending message succeeded")
	}
	if _, err := exec("replay", "x"); err == nil {
		t.Fatal("replay of a non-number succeeded")
	}
	if _, err := exec("drop"); !errors.Is(err, errUsage) {
		t.Fatalf("unknown command: %v", err)
	}
	if out, err := exec("replay", "1"); err != nil || !strings.Contains(out, "replayed 1") {
		t.Fatalf("replay 1: %q, %v", out, err)
	}
	if out, err := exec("replay", "all"); err != nil || !strings.Contains(out, "replayed 1") {
		t.Fatalf("replay all: %q, %v", out, err)
	}
	var parked int
	_ = db.QueryRow("SELECT COUNT(*) FROM outbox WHERE status = 'parked'").Scan(&parked)
	if parked != 0 {
		t.Fatalf("%d still parked after replay all", parked)
	}
}
