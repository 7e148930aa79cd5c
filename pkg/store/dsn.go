package store

import (
	"fmt"

	"github.com/go-sql-driver/mysql"
)

// OneRoundTrip returns dsn with the driver's client-side parameter interpolation on. Without it
// every statement with arguments is a server-side prepare, an execute and a close: three round
// trips where one does, inside transactions that hold row locks across them (on the order path
// that was most of order-rpc's MySQL time, doc/performance.md). The driver escapes arguments for
// the connection's charset and falls back to prepared statements on the multibyte charsets where
// that is unsafe (BIG5, GBK, SJIS...); zeromall's DSNs say utf8mb4.
func OneRoundTrip(dsn string) (string, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "", fmt.Errorf("parse DSN: %w", err)
	}
	cfg.InterpolateParams = true
	return cfg.FormatDSN(), nil
}

func mustOneRoundTrip(dsn string) string {
	out, err := OneRoundTrip(dsn)
	if err != nil {
		panic(err) // Check has validated the DSN
	}
	return out
}
