-- Seeds the leaderboard benchmark (PostgreSQL): study 'bench-1m' with n trials (default
-- 1,000,000) and study 'bench-small' with 1,000, on a migrated schema. Deterministic: values
-- come from a multiplicative hash of the trial number, with ties (about 10 trials per value)
-- so that the tie-break is exercised. 5% pruned, 2% failed, the rest complete.
--
-- Run by the benchmark in tracker/postgres (BenchmarkLeaderboard1M), or by hand:
--   psql "$DSN" -c 'CREATE TEMP TABLE seed_settings AS SELECT 1000 AS n' -f sql/seed/postgres.sql
-- (within one psql session; without the temp table n is 1,000,000).

CREATE TEMP TABLE IF NOT EXISTS seed_settings AS SELECT 1000000 AS n;

INSERT INTO studies (name, spec, objective, direction, seed, dataset_fingerprint, created_at)
VALUES ('bench-1m', convert_to('name: bench-1m', 'UTF8'), 'val_macro_f1', 'maximize', 1, 'bench', '2026-01-01T00:00:00Z'),
       ('bench-small', convert_to('name: bench-small', 'UTF8'), 'val_macro_f1', 'maximize', 2, 'bench', '2026-01-01T00:00:00Z');

INSERT INTO trials (study_id, number, status, params, seed, attempt, has_result, value,
                    val_macro_f1, val_accuracy, val_balanced_accuracy, val_loss, val_weighted_f1,
                    test_macro_f1, test_accuracy, test_balanced_accuracy, test_loss, test_weighted_f1,
                    metrics, best_epoch, epochs_run, stop_reason, host, started_at, finished_at)
SELECT s.id, g.i,
       CASE WHEN g.i % 20 = 0 THEN 'pruned' WHEN g.i % 50 = 1 THEN 'failed' ELSE 'complete' END,
       jsonb_build_object('units', 16 << (g.i % 5),
                          'dropout', round((g.i % 6) / 10.0, 1),
                          'optimizer', (ARRAY['sgd', 'rmsprop', 'adam'])[1 + g.i % 3],
                          'learning_rate', round(0.0001 * (1 + g.i % 100), 4)),
       g.i, 1, true, f.v,
       f.v, f.v * 0.9 + 0.1, f.v * 0.95, 1.0 - f.v, f.v,
       f.v * 0.98, f.v * 0.9 + 0.09, f.v * 0.94, 1.02 - f.v, f.v * 0.99,
       jsonb_build_object('val_macro_f1', f.v, 'val_loss', 1.0 - f.v),
       1 + g.i % 100, 1 + g.i % 100, 'patience', 'bench',
       timestamptz '2026-01-01T00:00:00Z' + g.i * interval '1 second',
       timestamptz '2026-01-01T00:00:01Z' + g.i * interval '1 second'
FROM studies s
CROSS JOIN seed_settings
CROSS JOIN LATERAL generate_series(0, CASE WHEN s.name = 'bench-1m' THEN seed_settings.n ELSE 1000 END - 1) AS g(i)
CROSS JOIN LATERAL (SELECT ((g.i::bigint * 2654435761) % 100003) / 100003.0::double precision AS v) AS f
WHERE s.name IN ('bench-1m', 'bench-small');

ANALYZE studies;
ANALYZE trials;
