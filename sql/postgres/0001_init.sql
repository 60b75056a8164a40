-- sweep schema, version 1 (PostgreSQL). Keep in step with sql/sqlite/0001_init.sql.
--
-- Conventions
--   * Trial IDs are global (what users type: `sweep show 1234`); (study_id, number) is unique.
--   * Seeds are uint64 in Go and stored as the bigint with the same bit pattern; the views
--     show them as unsigned numerics.
--   * Floats are double precision, so NaN and +/-Infinity are stored as such. NaN sorts above
--     every number in PostgreSQL: rankings select `col < 'NaN'` first and put NaN/NULL last.
--   * JSON columns (params, metrics) cannot hold NaN or Infinity: the tracker writes those
--     metric values as the strings "NaN", "Infinity" and "-Infinity".
--
-- Trial lifecycle (shaped for the distributed mode, where several processes on several
-- machines share one study):
--
--   queued --claim--> running --finish--> complete | pruned | failed | interrupted
--                        ^                                        |         |
--                        +---------------- retry (attempt+1) -----+---------+
--
--   * Every store is a worker (host:pid:suffix in `worker`). StartTrial inserts row k (or
--     re-marks a queued, failed, interrupted or lease-expired running row) as running,
--     attempt = attempt + 1, and sets worker, heartbeat_at and lease_expires_at; a row running
--     under another worker's unexpired lease is left alone (search.ErrTrialHeld), so several
--     processes sampling the same study run each trial once. The store renews the leases of
--     the trials it runs every third of the lease; a dead worker's trials are taken over when
--     their lease expires. complete and pruned rows never run again.
--   * A queue of pre-sampled trials (later, no schema change needed): a coordinator inserts
--     queued rows; workers claim one, at READ COMMITTED (REPEATABLE READ fails with 40001 on
--     a row claimed meanwhile), with
--       SELECT id FROM trials
--        WHERE study_id = $1 AND (status = 'queued'
--              OR (status = 'running' AND lease_expires_at < now()))
--        ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED;
--     then set status = 'running', attempt = attempt + 1, worker, heartbeat_at = now(),
--     lease_expires_at = now() + lease in the same transaction (tested in
--     tracker/postgres/claim_test.go). With many finished trials in a study this walks the
--     (study_id, number) index past them; an index on (study_id, number) WHERE status IN
--     ('queued', 'running') would serve it directly (trials_claim_idx does not).
--   * Finishing writes everything in one transaction, replacing child rows of earlier attempts.

CREATE TABLE studies (
    id                  bigserial   PRIMARY KEY,
    name                text        NOT NULL UNIQUE,
    spec                bytea       NOT NULL,
    objective           text        NOT NULL,
    direction           text        NOT NULL CHECK (direction IN ('maximize', 'minimize')),
    seed                bigint      NOT NULL,
    dataset_fingerprint text        NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL
);

CREATE TABLE trials (
    id                     bigserial   PRIMARY KEY,
    study_id               bigint      NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    number                 integer     NOT NULL CHECK (number >= 0),
    status                 text        NOT NULL CHECK (status IN
                               ('queued', 'running', 'complete', 'pruned', 'failed', 'interrupted')),
    params                 jsonb       NOT NULL DEFAULT '{}',
    seed                   bigint      NOT NULL,
    attempt                integer     NOT NULL DEFAULT 0,

    -- result: has_result is false until an objective returned one (a failed trial may
    -- still carry a partial result).
    has_result             boolean     NOT NULL DEFAULT false,
    value                  double precision,   -- the study objective's value
    val_macro_f1           double precision,
    val_accuracy           double precision,
    val_balanced_accuracy  double precision,
    val_loss               double precision,
    val_weighted_f1        double precision,
    test_macro_f1          double precision,
    test_accuracy          double precision,
    test_balanced_accuracy double precision,
    test_loss              double precision,
    test_weighted_f1       double precision,
    metrics                jsonb,              -- every scalar metric by name (Result.Values)
    intermediate           double precision[], -- value reported per epoch, for pruners
    best_epoch             integer,
    epochs_run             integer,
    stop_reason            text        NOT NULL DEFAULT '',
    error                  text        NOT NULL DEFAULT '',

    -- timings and provenance
    host                   text        NOT NULL DEFAULT '',
    started_at             timestamptz,
    finished_at            timestamptz,
    code_module            text        NOT NULL DEFAULT '',
    code_revision          text        NOT NULL DEFAULT '',
    code_dirty             boolean     NOT NULL DEFAULT false,
    go_version             text        NOT NULL DEFAULT '',
    platform               text        NOT NULL DEFAULT '',
    pipeline_fingerprint   text        NOT NULL DEFAULT '',

    -- distributed mode: who holds the trial and until when (see the lifecycle above)
    worker                 text        NOT NULL DEFAULT '',
    heartbeat_at           timestamptz,
    lease_expires_at       timestamptz,

    UNIQUE (study_id, number)
);

-- Leaderboard indexes: a study's top k by the objective and the common metrics is an index
-- range scan (`col < 'NaN'` skips NaN, the tie-break is an incremental sort of equal values).
CREATE INDEX trials_value_idx        ON trials (study_id, value);
CREATE INDEX trials_val_macro_f1_idx ON trials (study_id, val_macro_f1);
CREATE INDEX trials_val_accuracy_idx ON trials (study_id, val_accuracy);
CREATE INDEX trials_val_loss_idx     ON trials (study_id, val_loss);
-- Claiming queued or lease-expired trials in the distributed mode.
CREATE INDEX trials_claim_idx        ON trials (study_id, status, lease_expires_at)
    WHERE status IN ('queued', 'running');

-- The detailed evaluation of one split: labels and confusion matrix (Confusion[true][predicted]).
CREATE TABLE trial_evaluations (
    trial_id  bigint  NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    position  integer NOT NULL,   -- order within Result.Evaluations
    split     text    NOT NULL,
    labels    jsonb   NOT NULL,
    confusion jsonb   NOT NULL,
    PRIMARY KEY (trial_id, position)
);

-- One row per class of a classification report, so that "worst-class recall" is a query.
-- trial_classes and trial_epochs carry no foreign key: its per-row check cost more than half
-- of recording a finished trial (1.3 ms of 2.5 ms for 120 rows). Their rows are written only
-- with their trial, in one transaction, and a statement trigger (0003) deletes them with it.
CREATE TABLE trial_classes (
    trial_id    bigint           NOT NULL,
    position    integer          NOT NULL,   -- the evaluation this row belongs to
    split       text             NOT NULL,
    class_index integer          NOT NULL,
    label       text             NOT NULL,
    precision   double precision NOT NULL,
    recall      double precision NOT NULL,
    f1          double precision NOT NULL,
    support     integer          NOT NULL,
    PRIMARY KEY (trial_id, position, class_index)
);

-- Training history, one row per epoch.
CREATE TABLE trial_epochs (
    trial_id     bigint           NOT NULL,
    position     integer          NOT NULL,   -- order within Result.History
    epoch        integer          NOT NULL,
    train_loss   double precision NOT NULL,
    train_acc    double precision NOT NULL,
    val_loss     double precision NOT NULL,
    val_acc      double precision NOT NULL,
    val_macro_f1 double precision NOT NULL,
    seconds      double precision NOT NULL,
    PRIMARY KEY (trial_id, position)
);
