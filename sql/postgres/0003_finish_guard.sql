-- Version 3 (PostgreSQL). Keep in step with sql/sqlite/0003_finish_guard.sql.

-- FinishTrial writes a trial in one batch (one round trip, one implicit transaction): its first
-- statement updates the running row and calls this function when no row matched, which aborts
-- the batch before any child row is written.
CREATE FUNCTION sweep_trial_not_running() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = 'sweep: trial is not running';
END
$$;

-- Per-class questions ("worst-class recall of each trial") scan by split.
CREATE INDEX trial_classes_split_idx ON trial_classes (split, recall);
