// Package migrate applies versioned SQL migrations: files named NNNN_description.sql, applied in
// name order, each recorded with its checksum in schema_migrations. An applied file that changed
// is an error, not a silent re-run. Concurrent starters (several rpc instances) are serialized
// with a MySQL named lock.
package migrate

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/zeromicro/go-zero/core/logx"
)

const lockTimeoutSeconds = 60

// Apply creates the DSN's database if it is missing and applies pending migrations from fsys.
// It returns the names of the files it applied.
func Apply(ctx context.Context, dsn string, fsys fs.FS) ([]string, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse dsn: %w", err)
	}
	if cfg.DBName == "" {
		return nil, errors.New("dsn names no database")
	}
	if err := ensureDatabase(ctx, cfg); err != nil {
		return nil, err
	}
	cfg.MultiStatements = true // a migration file may hold several statements
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.DBName, err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", cfg.DBName, err)
	}
	defer conn.Close()

	lock := "zeromall_migrate_" + cfg.DBName
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, ?)", lock, lockTimeoutSeconds).Scan(&got); err != nil {
		return nil, fmt.Errorf("lock migrations: %w", err)
	}
	if got.Int64 != 1 {
		return nil, fmt.Errorf("lock migrations: %s still held after %ds", lock, lockTimeoutSeconds)
	}
	defer func() {
		// The lock also ends with the connection; a failed release only delays the next runner.
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK(?)", lock); err != nil {
			logx.Errorf("release migration lock %s: %v", lock, err)
		}
	}()

	return applyPending(ctx, conn, fsys)
}

func ensureDatabase(ctx context.Context, cfg *mysql.Config) error {
	server := cfg.Clone()
	server.DBName = ""
	db, err := sql.Open("mysql", server.FormatDSN())
	if err != nil {
		return fmt.Errorf("open server: %w", err)
	}
	defer db.Close()
	q := fmt.Sprintf("CREATE DATABASE IF NOT EXISTS `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
		strings.ReplaceAll(cfg.DBName, "`", "``"))
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("create database %s: %w", cfg.DBName, err)
	}
	return nil
}

func applyPending(ctx context.Context, conn *sql.Conn, fsys fs.FS) ([]string, error) {
	if _, err := conn.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS `schema_migrations` ("+
		"`version` varchar(255) NOT NULL PRIMARY KEY, `checksum` char(64) NOT NULL, "+
		"`applied_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB"); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	done, err := appliedChecksums(ctx, conn)
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)

	var applied []string
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return applied, fmt.Errorf("read %s: %w", name, err)
		}
		sum := sha256.Sum256(body)
		checksum := hex.EncodeToString(sum[:])
		version := strings.TrimSuffix(path.Base(name), ".sql")
		if prev, ok := done[version]; ok {
			if prev != checksum {
				return applied, fmt.Errorf("migration %s changed after it was applied; add a new migration instead", name)
			}
			continue
		}
		if _, err := conn.ExecContext(ctx, string(body)); err != nil {
			return applied, fmt.Errorf("apply %s: %w", name, err)
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO `schema_migrations` (`version`, `checksum`) VALUES (?, ?)",
			version, checksum); err != nil {
			return applied, fmt.Errorf("record %s: %w", name, err)
		}
		applied = append(applied, name)
	}
	return applied, nil
}

func appliedChecksums(ctx context.Context, conn *sql.Conn) (map[string]string, error) {
	rows, err := conn.QueryContext(ctx, "SELECT `version`, `checksum` FROM `schema_migrations`")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	done := map[string]string{}
	for rows.Next() {
		var v, c string
		if err := rows.Scan(&v, &c); err != nil {
			return nil, fmt.Errorf("scan schema_migrations: %w", err)
		}
		done[v] = c
	}
	return done, rows.Err()
}
