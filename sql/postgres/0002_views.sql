-- Views for analysts (psql, BI tools). Keep in step with sql/sqlite/0002_views.sql.

-- Every finished trial with its study, objective value and key metrics. Rank within a study
-- with e.g. ORDER BY value DESC (for maximize studies); NaN values sort first in PostgreSQL
-- descending order, so filter with value < 'NaN' when ranking.
CREATE VIEW leaderboard AS
SELECT t.id                     AS trial_id,
       s.name                   AS study,
       s.objective              AS objective,
       s.direction              AS direction,
       t.number                 AS number,
       t.status                 AS status,
       t.attempt                AS attempt,
       t.value                  AS value,
       t.val_macro_f1, t.val_accuracy, t.val_balanced_accuracy, t.val_loss, t.val_weighted_f1,
       t.test_macro_f1, t.test_accuracy, t.test_balanced_accuracy, t.test_loss, t.test_weighted_f1,
       t.best_epoch, t.epochs_run, t.stop_reason,
       t.params                 AS params,
       t.host, t.started_at, t.finished_at,
       EXTRACT(EPOCH FROM (t.finished_at - t.started_at)) AS seconds,
       t.code_revision, t.code_dirty, t.pipeline_fingerprint
FROM trials t
JOIN studies s ON s.id = t.study_id
WHERE t.status IN ('complete', 'pruned');

-- Per-class rows with their trial and study, e.g. the worst-class recall of each trial:
--   SELECT trial_id, min(recall) FROM trial_classes WHERE split = 'val' GROUP BY trial_id;
CREATE VIEW trial_class_report AS
SELECT c.trial_id, s.name AS study, t.number, t.status, c.split, c.class_index, c.label,
       c.precision, c.recall, c.f1, c.support
FROM trial_classes c
JOIN trials t ON t.id = c.trial_id
JOIN studies s ON s.id = t.study_id;

-- Training curves with their trial and study.
CREATE VIEW trial_history AS
SELECT e.trial_id, s.name AS study, t.number, e.epoch, e.train_loss, e.train_acc,
       e.val_loss, e.val_acc, e.val_macro_f1, e.seconds
FROM trial_epochs e
JOIN trials t ON t.id = e.trial_id
JOIN studies s ON s.id = t.study_id;

-- One row per study: trial counts per status and the best objective value.
CREATE VIEW study_summary AS
SELECT s.id AS study_id, s.name AS study, s.objective, s.direction,
       (s.seed::numeric + CASE WHEN s.seed < 0 THEN 18446744073709551616 ELSE 0 END) AS seed,
       s.created_at,
       count(t.id)                                        AS trials,
       count(t.id) FILTER (WHERE t.status = 'queued')      AS queued,
       count(t.id) FILTER (WHERE t.status = 'running')     AS running,
       count(t.id) FILTER (WHERE t.status = 'complete')    AS complete,
       count(t.id) FILTER (WHERE t.status = 'pruned')      AS pruned,
       count(t.id) FILTER (WHERE t.status = 'failed')      AS failed,
       count(t.id) FILTER (WHERE t.status = 'interrupted') AS interrupted,
       CASE WHEN s.direction = 'minimize'
            THEN min(t.value) FILTER (WHERE t.status = 'complete' AND t.value < 'NaN')
            ELSE max(t.value) FILTER (WHERE t.status = 'complete' AND t.value < 'NaN')
       END AS best_value
FROM studies s
LEFT JOIN trials t ON t.study_id = s.id
GROUP BY s.id;
