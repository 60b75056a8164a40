-- Version 3 (SQLite). Keep in step with sql/postgres/0003_finish_guard.sql, which also adds a
-- function PostgreSQL's single-round-trip FinishTrial needs (SQLite writes in a local
-- transaction and needs none).

-- Per-class questions ("worst-class recall of each trial") scan by split.
CREATE INDEX trial_classes_split_idx ON trial_classes (split, recall);
