// migrate.go applies versioned SQL migrations: files named NNNN_description.sql, applied in
// name order, each recorded with its checksum in schema_migrations. An applied file that changed
// is an error, not a silent re-run. Concurrent starters (several rpc instances) are serialized
// with a MySQL named lock.
//
// A migration must be safe to run again: MariaDB commits each DDL statement on its own, so a
// crash between a file's DDL and its schema_migrations row leaves the DDL done and the file
// pending. DDL therefore says IF NOT EXISTS / IF EXISTS (the checksum ignores those words, so an
// applied file may gain them), and each file runs in a transaction with its row, which makes a
// file of data changes only (a seed) all or nothing.

package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/zeromicro/go-zero/core/logx"
)

const lockTimeoutSeconds = 60

// Migrate creates the DSN's database if it is missing and applies pending migrations from fsys.
// It returns the names of the files it applied.
//
// Everything, creating the database included, runs under the lock on one connection: on a Galera
// cluster a DDL statement (even CREATE DATABASE IF NOT EXISTS of one that exists) aborts the
// transactions in flight on what it names, so a second starter must not run one while the first
// migrates, and an instance starting next to a serving one issues none.
func Migrate(ctx context.Context, dsn string, fsys fs.FS) ([]string, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse dsn: %w", err)
	}
	if cfg.DBName == "" {
		return nil, errors.New("dsn names no database")
	}
	server := cfg.Clone()
	server.DBName = ""
	server.MultiStatements = true // a migration file may hold several statements
	db, err := sql.Open("mysql", server.FormatDSN())
	if err != nil {
		return nil, fmt.Errorf("open server: %w", err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
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

	if err := useDatabase(ctx, conn, cfg.DBName); err != nil {
		return nil, err
	}
	return applyPending(ctx, conn, fsys)
}

// useDatabase creates the database when it is missing and makes it conn's default.
func useDatabase(ctx context.Context, conn *sql.Conn, name string) error {
	quoted := "`" + strings.ReplaceAll(name, "`", "``") + "`"
	var found int
	if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", name).Scan(&found); err != nil {
		return fmt.Errorf("look for database %s: %w", name, err)
	}
	if found == 0 {
		if _, err := conn.ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS "+quoted+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
			return fmt.Errorf("create database %s: %w", name, err)
		}
	}
	if _, err := conn.ExecContext(ctx, "USE "+quoted); err != nil {
		return fmt.Errorf("use database %s: %w", name, err)
	}
	return nil
}

func applyPending(ctx context.Context, conn *sql.Conn, fsys fs.FS) ([]string, error) {
	if err := ensureMigrationsTable(ctx, conn); err != nil {
		return nil, err
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
		checksum := MigrationChecksum(body)
		version := strings.TrimSuffix(path.Base(name), ".sql")
		if prev, ok := done[version]; ok {
			if prev != checksum {
				return applied, fmt.Errorf("migration %s changed after it was applied; add a new migration instead", name)
			}
			continue
		}
		if err := applyOne(ctx, conn, name, string(body), version, checksum); err != nil {
			return applied, err
		}
		applied = append(applied, name)
	}
	return applied, nil
}

// applyOne runs one migration and records it, in one transaction as far as MariaDB allows (DDL
// commits on its own; see the package comment).
func applyOne(ctx context.Context, conn *sql.Conn, name, body, version, checksum string) error {
	if _, err := conn.ExecContext(ctx, "START TRANSACTION"); err != nil {
		return fmt.Errorf("apply %s: begin: %w", name, err)
	}
	rollback := func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); err != nil {
			logx.Errorf("migration %s: rollback: %v", name, err)
		}
	}
	if _, err := conn.ExecContext(ctx, body); err != nil {
		rollback()
		return fmt.Errorf("apply %s: %w", name, err)
	}
	if _, err := conn.ExecContext(ctx, "INSERT INTO `schema_migrations` (`version`, `checksum`) VALUES (?, ?)",
		version, checksum); err != nil {
		rollback()
		return fmt.Errorf("record %s: %w", name, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("apply %s: commit: %w", name, err)
	}
	return nil
}

// ifExists matches the words that make a DDL statement safe to run again.
var ifExists = regexp.MustCompile(`(?i)\s+IF\s+(NOT\s+)?EXISTS\b`)

// MigrationChecksum identifies a migration's content: the SHA-256 of its text without IF [NOT] EXISTS, so
// making an applied migration safe to re-run does not count as changing it.
func MigrationChecksum(body []byte) string {
	sum := sha256.Sum256(ifExists.ReplaceAll(body, nil))
	return hex.EncodeToString(sum[:])
}

// ensureMigrationsTable creates schema_migrations when it is missing, and only then (see Migrate).
func ensureMigrationsTable(ctx context.Context, conn *sql.Conn) error {
	var found int
	if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.TABLES "+
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'schema_migrations'").Scan(&found); err != nil {
		return fmt.Errorf("look for schema_migrations: %w", err)
	}
	if found > 0 {
		return nil
	}
	if _, err := conn.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS `schema_migrations` ("+
		"`version` varchar(255) NOT NULL PRIMARY KEY, `checksum` char(64) NOT NULL, "+
		"`applied_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB"); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	return nil
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
