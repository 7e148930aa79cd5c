// Package migrations embeds the versioned schema migrations of every service. Each service owns
// one folder (its MySQL schema): <svc>/migrations/NNNN_*.sql, applied in name order and never
// edited once applied, and <svc>/schema.sql, the resulting tables, which goctl reads.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed */migrations/*.sql */schema.sql
var files embed.FS

// For returns the migrations of one service, e.g. For("user").
func For(service string) fs.FS {
	sub, err := fs.Sub(files, service+"/migrations")
	if err != nil {
		panic(err) // only on a malformed name; the folders are embedded at build time
	}
	return sub
}

// Schema returns the schema.sql of one service.
func Schema(service string) (string, error) {
	b, err := fs.ReadFile(files, service+"/schema.sql")
	return string(b), err
}
