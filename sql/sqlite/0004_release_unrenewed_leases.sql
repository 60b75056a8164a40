-- Version 4 (SQLite). Keep in step with sql/postgres/0004_release_unrenewed_leases.sql, which
-- explains why: a running row from before heartbeats would block other processes for an hour.
UPDATE trials SET lease_expires_at = NULL
 WHERE status = 'running' AND instr(worker, ':') = 0;
