// Package migrations embeds the versioned schema migrations of every service. Each service owns
// one folder (its MySQL schema); files are applied in name order and never edited once applied.
// The same files are the source goctl generates the models from.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed user/*.sql
var files embed.FS

// For returns the migrations of one service, e.g. For("user").
func For(service string) fs.FS {
	sub, err := fs.Sub(files, service)
	if err != nil {
		panic(err) // only on a malformed name; the folders are embedded at build time
	}
	return sub
}
