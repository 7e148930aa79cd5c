package store_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"zeromall/pkg/store"
	"zeromall/pkg/testkit"

	"github.com/go-sql-driver/mysql"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

func TestOneRoundTrip_KeepsTheDSNAndStoresArgumentsExactly(t *testing.T) {
	dsn, err := store.OneRoundTrip(testkit.NewMigratedDSN(t, "store", fstest.MapFS{}))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil || !cfg.InterpolateParams || !cfg.ParseTime {
		t.Fatalf("DSN %s: %+v, %v", dsn, cfg, err)
	}
	if _, err := store.OneRoundTrip("not a dsn"); err == nil {
		t.Error("a malformed DSN is accepted")
	}

	// Interpolated by the driver, not prepared by the server: quotes, backslashes, a NUL,
	// multibyte text, NULL and a time must come back as they went in.
	db := sqlx.NewMysql(dsn)
	ctx := context.Background()
	if _, err := db.ExecCtx(ctx, "create table t (id int primary key, s varchar(64), n varchar(8) null, at datetime(3))"); err != nil {
		t.Fatal(err)
	}
	text := `it's a "quote" \ back\slash ` + "\x00 – 订单 🛒' or '1'='1"
	at := time.Date(2026, 12, 2, 8, 30, 1, 123e6, time.UTC)
	if _, err := db.ExecCtx(ctx, "insert into t (id, s, n, at) values (?, ?, ?, ?)", 1, text, nil, at); err != nil {
		t.Fatal(err)
	}
	var got struct {
		S  string    `db:"s"`
		N  *string   `db:"n"`
		At time.Time `db:"at"`
	}
	if err := db.QueryRowCtx(ctx, &got, "select s, n, at from t where s = ?", text); err != nil {
		t.Fatal(err)
	}
	if got.S != text || got.N != nil || !got.At.Equal(at) {
		t.Fatalf("read back %q, %v, %s; wrote %q, nil, %s", got.S, got.N, got.At, text, at)
	}
	var rows int
	if err := db.QueryRowCtx(ctx, &rows, "select count(*) from t where s = ?", strings.ReplaceAll(text, "'", "")); err != nil || rows != 0 {
		t.Fatalf("an argument was read as SQL: %d rows, %v", rows, err)
	}
}
