// Package sql holds sweep's database schema: numbered migrations for PostgreSQL
// and SQLite (kept in step, the same numbers in both dialects), the views
// analysts query, and the scripts that seed the leaderboard benchmarks. The
// files are embedded so that the stores in tracker/postgres and tracker/sqlite
// apply them at Open without anything on disk.
//
// Migration files are named NNNN_description.sql under postgres/ and sqlite/.
package sql

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

//go:embed postgres/*.sql sqlite/*.sql seed/*.sql
var files embed.FS

// Dialect names a SQL dialect: the directory its migrations live in.
type Dialect string

const (
	// Postgres is PostgreSQL (15 or later).
	Postgres Dialect = "postgres"
	// SQLite is SQLite (3.38 or later, for JSON and NULLS LAST).
	SQLite Dialect = "sqlite"
)

// Migration is one numbered schema change.
type Migration struct {
	// Version is the number the file name starts with, from 1.
	Version int
	// Name is the file name, e.g. "0001_init.sql".
	Name string
	// SQL is the file's text: one or more statements.
	SQL string
}

// Migrations returns the dialect's migrations in version order. Versions
// start at 1 and have no gaps or duplicates.
func Migrations(d Dialect) ([]Migration, error) {
	if d != Postgres && d != SQLite {
		return nil, fmt.Errorf("migrations: unknown dialect %q", d)
	}
	entries, err := fs.ReadDir(files, string(d))
	if err != nil {
		return nil, fmt.Errorf("migrations %s: %w", d, err)
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		if !ok || len(num) != 4 || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migrations %s: file %s is not named NNNN_name.sql", d, name)
		}
		v, err := strconv.Atoi(num)
		if err != nil || v < 1 {
			return nil, fmt.Errorf("migrations %s: file %s: bad version number %q", d, name, num)
		}
		b, err := files.ReadFile(path.Join(string(d), name))
		if err != nil {
			return nil, fmt.Errorf("migrations %s: %w", d, err)
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(b)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations %s: expected version %d, found %s", d, i+1, m.Name)
		}
	}
	return ms, nil
}

// SeedBenchmark returns the dialect's script that seeds the leaderboard
// benchmark: study "bench-1m" with n trials and study "bench-small" with
// 1,000, where n is read from a temporary table seed_settings(n) if the
// session created one, and is 1,000,000 otherwise. Run it on a migrated
// schema.
func SeedBenchmark(d Dialect) (string, error) {
	if d != Postgres && d != SQLite {
		return "", fmt.Errorf("seed script: unknown dialect %q", d)
	}
	b, err := files.ReadFile(path.Join("seed", string(d)+".sql"))
	if err != nil {
		return "", fmt.Errorf("seed script %s: %w", d, err)
	}
	return string(b), nil
}
