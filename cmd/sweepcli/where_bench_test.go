package sweepcli

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"io"
	"path/filepath"
	"testing"
)

var whereTrials = flag.Int("where-trials", 200000, "trials BenchmarkLeaderboardWhereFloat seeds")

// BenchmarkLeaderboardWhereFloat measures sweep leaderboard --where with a
// float as the table shows it (4 significant digits) on a study of
// -where-trials trials in SQLite, against the same query with an int.
// The study is a one-trial quickstart run; the seeded trials are copies of
// its row with dropout spread over [0, 0.5) in about 100,000 distinct
// values, so dropout=0.2 selects 40 trials holding 20 distinct values.
func BenchmarkLeaderboardWhereFloat(b *testing.B) {
	db := filepath.Join(b.TempDir(), "where.db")
	ctx := context.Background()
	if code := Main(ctx, []string{"sweep", "run", quickstart, "--trials", "1", "--study", "q"}, Env{DB: db, Stdout: io.Discard, Stderr: io.Discard}); code != 0 {
		b.Fatalf("run: exit %d", code)
	}
	seedWhereTrials(b, db, *whereTrials)
	for _, where := range []string{"dropout=0.2", "units=32"} {
		b.Run(where, func(b *testing.B) {
			for b.Loop() {
				var out, errOut bytes.Buffer
				code := Main(ctx, []string{"sweep", "leaderboard", "--study", "q", "--where", where}, Env{DB: db, Stdout: &out, Stderr: &errOut})
				if code != 0 || out.Len() == 0 {
					b.Fatalf("leaderboard --where %s: exit %d\n%s%s", where, code, out.String(), errOut.String())
				}
			}
		})
	}
}

// seedWhereTrials copies trial 0 of study q n times, as trials 1 to n,
// with params that vary as BenchmarkLeaderboardWhereFloat describes.
func seedWhereTrials(b *testing.B, path string, n int) {
	b.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec(`
WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ?)
INSERT INTO trials (study_id, number, status, params, seed, attempt, has_result, value,
                    val_macro_f1, val_accuracy, val_balanced_accuracy, val_loss, val_weighted_f1,
                    test_macro_f1, test_accuracy, test_balanced_accuracy, test_loss, test_weighted_f1,
                    metrics, best_epoch, epochs_run, stop_reason, host, started_at, finished_at)
SELECT t.study_id, g.i, 'complete',
       json_object('sampling', CASE g.i % 4 WHEN 0 THEN 'none' WHEN 1 THEN 'oversample' WHEN 2 THEN 'undersample' ELSE 'class_weight' END,
                   'units', 16 << (g.i % 3),
                   'dropout', ((g.i * 2654435761) % 100003) / 200006.0,
                   'learning_rate', 0.0003 + (g.i % 997) * 0.0000047),
       t.seed + g.i, 1, 1, (g.i % 1009) / 1009.0,
       t.val_macro_f1, t.val_accuracy, t.val_balanced_accuracy, t.val_loss, t.val_weighted_f1,
       t.test_macro_f1, t.test_accuracy, t.test_balanced_accuracy, t.test_loss, t.test_weighted_f1,
       t.metrics, t.best_epoch, t.epochs_run, t.stop_reason, t.host, t.started_at, t.finished_at
FROM trials AS t, g WHERE t.number = 0`, n)
	if err != nil {
		b.Fatalf("seed %d trials: %v", n, err)
	}
	if _, err := db.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
}
