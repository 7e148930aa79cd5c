// Package migrations is the user service's MySQL schema, beside the models made from it:
// NNNN_*.sql, applied in name order by user-rpc at start (pkg/store) and never edited once
// applied, and schema.sql, the tables they build, which goctl reads (make gen-user-model).
package migrations

import "embed"

// Files holds the migrations.
//
//go:embed [0-9]*.sql
var Files embed.FS

// Schema is schema.sql.
//
//go:embed schema.sql
var Schema string
