package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	schema "github.com/sweep-ml/sweep/sql"
	"github.com/sweep-ml/sweep/tracker"
	"github.com/sweep-ml/sweep/tracker/storetest"
)

func BenchmarkFinishTrial(b *testing.B) { storetest.BenchmarkFinishTrial(b, openTemp(b)) }

func BenchmarkStartFinish(b *testing.B) { storetest.BenchmarkStartFinish(b, openTemp(b)) }

// benchRows is the size of the leaderboard benchmark's study:
// SWEEP_BENCH_ROWS, default 1,000,000.
func benchRows(b *testing.B) int {
	n := 1_000_000
	if v := os.Getenv("SWEEP_BENCH_ROWS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("SWEEP_BENCH_ROWS=%q: want an integer >= 1000", v)
		}
	}
	return n
}

// BenchmarkLeaderboard1M seeds a study of a million trials with the
// committed script sql/seed/sqlite.sql and ranks its top 10.
func BenchmarkLeaderboard1M(b *testing.B) {
	n := benchRows(b)
	path := filepath.Join(b.TempDir(), "bench.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	script, err := schema.SeedBenchmark(schema.SQLite)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	conn, err := s.w.Conn(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), `CREATE TEMP TABLE seed_settings AS SELECT `+strconv.Itoa(n)+` AS n`); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), script); err != nil {
		b.Fatal(err)
	}
	conn.Close()
	b.Logf("seeded %d trials in %v", n, time.Since(start).Round(time.Millisecond))
	explain(b, s)
	b.ResetTimer()
	storetest.BenchmarkLeaderboard(b, s, "bench-1m")
}

// explain logs the plan of the leaderboard's statement.
func explain(b *testing.B, s *Store) {
	st, err := s.StudyByName(context.Background(), "bench-1m")
	if err != nil {
		b.Fatal(err)
	}
	p, err := tracker.LeaderboardQuery{Study: "bench-1m", Limit: 10}.Plan(&st)
	if err != nil {
		b.Fatal(err)
	}
	q, args := LeaderboardSQL(p, &st)
	rows, err := s.r.Query(`EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			b.Fatal(err)
		}
		lines = append(lines, detail)
	}
	b.Logf("EXPLAIN QUERY PLAN:\n%s", strings.Join(lines, "\n"))
}
