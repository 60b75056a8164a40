-- Version 4 (PostgreSQL). Keep in step with sql/sqlite/0004_release_unrenewed_leases.sql.
--
-- Before version 4 a running trial's lease ran an hour and was never renewed, and its worker
-- was the bare host name. Stores now heartbeat their trials and name themselves host:pid:suffix
-- (see 0001's lifecycle notes). A running row left by an older process would otherwise block
-- every other process for up to an hour: its lease is dropped, so the next run may take it.
UPDATE trials SET lease_expires_at = NULL
 WHERE status = 'running' AND position(':' IN worker) = 0;
