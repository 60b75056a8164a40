-- Seeds the leaderboard benchmark (SQLite): study 'bench-1m' with n trials (default
-- 1,000,000) and study 'bench-small' with 1,000, on a migrated database. The same data as
-- sql/seed/postgres.sql.
--
-- Run by the benchmark in tracker/sqlite (BenchmarkLeaderboard1M), or by hand:
--   sqlite3 sweep.db 'CREATE TEMP TABLE seed_settings AS SELECT 1000 AS n' '.read sql/seed/sqlite.sql'
-- (without the temp table n is 1,000,000).

CREATE TEMP TABLE IF NOT EXISTS seed_settings AS SELECT 1000000 AS n;

INSERT INTO studies (name, spec, objective, direction, seed, dataset_fingerprint, created_at)
VALUES ('bench-1m', CAST('name: bench-1m' AS BLOB), 'val_macro_f1', 'maximize', 1, 'bench', '2026-01-01 00:00:00.000000'),
       ('bench-small', CAST('name: bench-small' AS BLOB), 'val_macro_f1', 'maximize', 2, 'bench', '2026-01-01 00:00:00.000000');

WITH RECURSIVE g(i) AS (
    SELECT 0
    UNION ALL
    SELECT i + 1 FROM g, seed_settings WHERE i + 1 < seed_settings.n
),
f(i, v) AS (
    SELECT i, ((i * 2654435761) % 100003) / 100003.0 FROM g
)
INSERT INTO trials (study_id, number, status, params, seed, attempt, has_result, value,
                    val_macro_f1, val_accuracy, val_balanced_accuracy, val_loss, val_weighted_f1,
                    test_macro_f1, test_accuracy, test_balanced_accuracy, test_loss, test_weighted_f1,
                    metrics, best_epoch, epochs_run, stop_reason, host, started_at, finished_at)
SELECT s.id, f.i,
       CASE WHEN f.i % 20 = 0 THEN 'pruned' WHEN f.i % 50 = 1 THEN 'failed' ELSE 'complete' END,
       json_object('units', 16 << (f.i % 5),
                   'dropout', round((f.i % 6) / 10.0, 1),
                   'optimizer', CASE f.i % 3 WHEN 0 THEN 'sgd' WHEN 1 THEN 'rmsprop' ELSE 'adam' END,
                   'learning_rate', round(0.0001 * (1 + f.i % 100), 4)),
       f.i, 1, 1, f.v,
       f.v, f.v * 0.9 + 0.1, f.v * 0.95, 1.0 - f.v, f.v,
       f.v * 0.98, f.v * 0.9 + 0.09, f.v * 0.94, 1.02 - f.v, f.v * 0.99,
       json_object('val_macro_f1', f.v, 'val_loss', 1.0 - f.v),
       1 + f.i % 100, 1 + f.i % 100, 'patience', 'bench',
       strftime('%Y-%m-%d %H:%M:%f000', '2026-01-01 00:00:00', '+' || f.i || ' seconds'),
       strftime('%Y-%m-%d %H:%M:%f000', '2026-01-01 00:00:01', '+' || f.i || ' seconds')
FROM studies s, f
WHERE s.name = 'bench-1m' OR (s.name = 'bench-small' AND f.i < 1000);

ANALYZE;
