package postgres

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	schema "github.com/sweep-ml/sweep/sql"
	"github.com/sweep-ml/sweep/tracker"
	"github.com/sweep-ml/sweep/tracker/storetest"
)

func BenchmarkFinishTrial(b *testing.B) { storetest.BenchmarkFinishTrial(b, openTest(b, Options{})) }

func BenchmarkStartFinish(b *testing.B) { storetest.BenchmarkStartFinish(b, openTest(b, Options{})) }

// BenchmarkLeaderboard1M seeds a study of a million trials (SWEEP_BENCH_ROWS
// overrides) in a fresh schema with the committed script
// sql/seed/postgres.sql, logs the plan of the leaderboard statement and
// ranks the study's top 10.
func BenchmarkLeaderboard1M(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("SWEEP_BENCH_ROWS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("SWEEP_BENCH_ROWS=%q: want an integer >= 1000", v)
		}
	}
	s := openTest(b, Options{})
	ctx := context.Background()
	script, err := schema.SeedBenchmark(schema.Postgres)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	conn, err := s.Pool().Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE TEMP TABLE seed_settings AS SELECT `+strconv.Itoa(n)+` AS n`); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, script); err != nil {
		b.Fatal(err)
	}
	conn.Release()
	b.Logf("seeded %d trials in %v", n, time.Since(start).Round(time.Millisecond))

	st, err := s.StudyByName(ctx, "bench-1m")
	if err != nil {
		b.Fatal(err)
	}
	p, err := tracker.LeaderboardQuery{Study: "bench-1m", Limit: 10}.Plan(&st)
	if err != nil {
		b.Fatal(err)
	}
	q, args, err := LeaderboardSQL(p, &st)
	if err != nil {
		b.Fatal(err)
	}
	rows, err := s.Pool().Query(ctx, `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) `+q, args...)
	if err != nil {
		b.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			b.Fatal(err)
		}
		plan = append(plan, line)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	// Printed, not logged: benchmark logs are cut after a few lines.
	fmt.Printf("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) of the leaderboard over %d trials:\n%s\n", n, strings.Join(plan, "\n"))
	if !strings.Contains(strings.Join(plan, "\n"), "Index") {
		b.Errorf("the leaderboard does not use an index")
	}
	b.ResetTimer()
	storetest.BenchmarkLeaderboard(b, s, "bench-1m")
}
