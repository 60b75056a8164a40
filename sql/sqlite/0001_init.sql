-- sweep schema, version 1 (SQLite). Keep in step with sql/postgres/0001_init.sql, which
-- documents the trial lifecycle (queued → running → complete | pruned | failed | interrupted,
-- with worker leases and heartbeats) and the conventions.
--
-- SQLite specifics
--   * Times are TEXT 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC, so SQLite's date functions read them.
--   * Seeds are uint64 in Go, stored as the INTEGER with the same bit pattern.
--   * SQLite REAL cannot store NaN (it becomes NULL). The tracker writes NaN as the TEXT
--     'NaN' in the REAL columns (the value does not look numeric, so affinity keeps it TEXT)
--     and reads it back as NaN; NULL keeps meaning "absent". ±Infinity is stored as REAL.
--     As in PostgreSQL, 'NaN' sorts above every number and `col < 'NaN'` selects the numbers.
--   * JSON columns write non-finite metric values as the strings "NaN", "Infinity", "-Infinity".

CREATE TABLE studies (
    id                  INTEGER PRIMARY KEY,
    name                TEXT    NOT NULL UNIQUE,
    spec                BLOB    NOT NULL,
    objective           TEXT    NOT NULL,
    direction           TEXT    NOT NULL CHECK (direction IN ('maximize', 'minimize')),
    seed                INTEGER NOT NULL,
    dataset_fingerprint TEXT    NOT NULL DEFAULT '',
    created_at          TEXT    NOT NULL
);

CREATE TABLE trials (
    id                     INTEGER PRIMARY KEY,
    study_id               INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    number                 INTEGER NOT NULL CHECK (number >= 0),
    status                 TEXT    NOT NULL CHECK (status IN
                               ('queued', 'running', 'complete', 'pruned', 'failed', 'interrupted')),
    params                 TEXT    NOT NULL DEFAULT '{}',   -- JSON object
    seed                   INTEGER NOT NULL,
    attempt                INTEGER NOT NULL DEFAULT 0,

    has_result             INTEGER NOT NULL DEFAULT 0,
    value                  REAL,
    val_macro_f1           REAL,
    val_accuracy           REAL,
    val_balanced_accuracy  REAL,
    val_loss               REAL,
    val_weighted_f1        REAL,
    test_macro_f1          REAL,
    test_accuracy          REAL,
    test_balanced_accuracy REAL,
    test_loss              REAL,
    test_weighted_f1       REAL,
    metrics                TEXT,   -- JSON object: every scalar metric by name
    intermediate           TEXT,   -- JSON array: value reported per epoch
    best_epoch             INTEGER,
    epochs_run             INTEGER,
    stop_reason            TEXT    NOT NULL DEFAULT '',
    error                  TEXT    NOT NULL DEFAULT '',

    host                   TEXT    NOT NULL DEFAULT '',
    started_at             TEXT,
    finished_at            TEXT,
    code_module            TEXT    NOT NULL DEFAULT '',
    code_revision          TEXT    NOT NULL DEFAULT '',
    code_dirty             INTEGER NOT NULL DEFAULT 0,
    go_version             TEXT    NOT NULL DEFAULT '',
    platform               TEXT    NOT NULL DEFAULT '',
    pipeline_fingerprint   TEXT    NOT NULL DEFAULT '',

    worker                 TEXT    NOT NULL DEFAULT '',
    heartbeat_at           TEXT,
    lease_expires_at       TEXT,

    UNIQUE (study_id, number)
);

CREATE INDEX trials_value_idx        ON trials (study_id, value);
CREATE INDEX trials_val_macro_f1_idx ON trials (study_id, val_macro_f1);
CREATE INDEX trials_val_accuracy_idx ON trials (study_id, val_accuracy);
CREATE INDEX trials_val_loss_idx     ON trials (study_id, val_loss);
CREATE INDEX trials_claim_idx        ON trials (study_id, status, lease_expires_at)
    WHERE status IN ('queued', 'running');

CREATE TABLE trial_evaluations (
    trial_id  INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    split     TEXT    NOT NULL,
    labels    TEXT    NOT NULL,   -- JSON array
    confusion TEXT    NOT NULL,   -- JSON array of arrays, [true][predicted]
    PRIMARY KEY (trial_id, position)
);

CREATE TABLE trial_classes (
    trial_id    INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    split       TEXT    NOT NULL,
    class_index INTEGER NOT NULL,
    label       TEXT    NOT NULL,
    precision   REAL    NOT NULL,
    recall      REAL    NOT NULL,
    f1          REAL    NOT NULL,
    support     INTEGER NOT NULL,
    PRIMARY KEY (trial_id, position, class_index)
);

CREATE TABLE trial_epochs (
    trial_id     INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    epoch        INTEGER NOT NULL,
    train_loss   REAL    NOT NULL,
    train_acc    REAL    NOT NULL,
    val_loss     REAL    NOT NULL,
    val_acc      REAL    NOT NULL,
    val_macro_f1 REAL    NOT NULL,
    seconds      REAL    NOT NULL,
    PRIMARY KEY (trial_id, position)
);
