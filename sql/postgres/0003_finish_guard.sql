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

-- trial_classes and trial_epochs have no foreign key (see 0001): deleting trials deletes
-- their rows here, once per statement.
CREATE FUNCTION sweep_delete_trial_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM trial_classes WHERE trial_id IN (SELECT id FROM gone);
    DELETE FROM trial_epochs WHERE trial_id IN (SELECT id FROM gone);
    RETURN NULL;
END
$$;

CREATE TRIGGER trials_delete_rows AFTER DELETE ON trials
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION sweep_delete_trial_rows();

-- Per-class questions ("worst-class recall of each trial") scan by split.
CREATE INDEX trial_classes_split_idx ON trial_classes (split, recall);
