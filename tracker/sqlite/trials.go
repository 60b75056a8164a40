package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
)

const timeLayout = "2006-01-02 15:04:05.000000"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// nullTime writes the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

func parseTime(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02 15:04:05.999999999", s, time.UTC)
	if err != nil {
		return time.Time{}, err
	}
	return t, nil
}

func parseNullTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return parseTime(s.String)
}

// sqlReal encodes a float for a REAL column: SQLite would store NaN as NULL,
// so NaN is written as the text 'NaN', which database/sql reads back as NaN.
func sqlReal(f float64) any {
	if math.IsNaN(f) {
		return "NaN"
	}
	return f
}

// nullReal is sqlReal for an optional value.
func nullReal(f *float64) any {
	if f == nil {
		return nil
	}
	return sqlReal(*f)
}

// StartTrial implements search.Store: one upsert that inserts trial k or
// re-marks an unfinished row as running with attempt+1, keeping its ID. A
// row running under another worker's unexpired lease is left alone
// (search.ErrTrialHeld). The store then heartbeats the trial until
// FinishTrial.
func (s *Store) StartTrial(ctx context.Context, t search.Trial) (search.Trial, error) {
	what := fmt.Sprintf("start trial %d of study %d", t.Number, t.StudyID)
	params, err := tracker.EncodeParams(t.Params)
	if err != nil {
		return t, fmt.Errorf("%s: %w", what, err)
	}
	if t.Number < 0 {
		return t, fmt.Errorf("%s: negative number", what)
	}
	var id int64
	var attempt int
	// A row that changes between the upsert and the look that explains it
	// (its holder finished or gave it up) is tried again.
	for try := 0; ; try++ {
		if try == 3 {
			return t, fmt.Errorf("%s: the row kept changing under other processes", what)
		}
		now := s.opts.Now()
		err = s.w.QueryRowContext(ctx, `INSERT INTO trials
			(study_id, number, status, params, seed, attempt, host, started_at, worker, heartbeat_at, lease_expires_at)
			VALUES (?1, ?2, 'running', ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9)
			ON CONFLICT (study_id, number) DO UPDATE SET
				status = 'running', params = excluded.params, seed = excluded.seed,
				-- The same start again is the same attempt, as on PostgreSQL.
				attempt = CASE WHEN trials.status = 'running' AND trials.worker IS excluded.worker
					AND trials.started_at = excluded.started_at THEN trials.attempt ELSE trials.attempt + 1 END,
				host = excluded.host, started_at = excluded.started_at,
				finished_at = NULL, error = '', worker = excluded.worker,
				heartbeat_at = excluded.heartbeat_at, lease_expires_at = excluded.lease_expires_at
			WHERE trials.status NOT IN ('complete', 'pruned')
				AND NOT (trials.status = 'running' AND trials.worker IS NOT excluded.worker
					AND coalesce(trials.lease_expires_at > excluded.heartbeat_at, 0))
			RETURNING id, attempt`,
			t.StudyID, t.Number, params, int64(t.Seed), t.Host, nullTime(t.StartedAt), s.worker,
			formatTime(now), formatTime(now.Add(s.opts.Lease))).Scan(&id, &attempt)
		if !errors.Is(err, sql.ErrNoRows) {
			break
		}
		var status, worker string
		var until sql.NullString
		err = s.w.QueryRowContext(ctx, `SELECT status, worker, lease_expires_at FROM trials WHERE study_id = ? AND number = ?`,
			t.StudyID, t.Number).Scan(&status, &worker, &until)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return t, fmt.Errorf("%s: %w", what, err)
		case status == search.StatusComplete.String() || status == search.StatusPruned.String():
			return t, fmt.Errorf("%s: %w", what, search.ErrTrialFinished)
		case status != search.StatusRunning.String():
			continue
		case tracker.DeadLocalWorker(worker):
			// Its process is gone: its lease means nothing.
			if _, err := s.w.ExecContext(ctx, `UPDATE trials SET lease_expires_at = NULL
				WHERE study_id = ? AND number = ? AND status = 'running' AND worker = ?`, t.StudyID, t.Number, worker); err != nil {
				return t, fmt.Errorf("%s: %w", what, err)
			}
			continue
		}
		expires, _ := parseNullTime(until)
		return t, fmt.Errorf("%s: %w", what, tracker.HeldError(worker, expires))
	}
	switch {
	case isConstraint(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY):
		return t, fmt.Errorf("start trial %d: study %d: %w", t.Number, t.StudyID, search.ErrNotFound)
	case err != nil:
		return t, fmt.Errorf("%s: %w", what, err)
	}
	s.leases.Hold(id)
	t.ID, t.Attempt, t.Status = id, attempt, search.StatusRunning
	t.FinishedAt, t.Error = time.Time{}, ""
	return t, nil
}

// Heartbeat renews now the leases of the trials this store is running,
// as the store does by itself every third of Options.Lease.
func (s *Store) Heartbeat(ctx context.Context) error {
	_, err := s.leases.Renew(ctx)
	return err
}

// renewLeases is the heartbeat of the trials this store runs; it returns
// the trials still this worker's.
func (s *Store) renewLeases(ctx context.Context, ids []int64) ([]int64, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	now := s.opts.Now()
	rows, err := s.w.QueryContext(ctx, `UPDATE trials SET heartbeat_at = ?, lease_expires_at = ?
		WHERE worker = ? AND status = 'running' AND id IN (SELECT value FROM json_each(?))
		RETURNING id`,
		formatTime(now), formatTime(now.Add(s.opts.Lease)), s.worker, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var renewed []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		renewed = append(renewed, id)
	}
	return renewed, rows.Err()
}

// FinishTrial implements search.Store. Everything is written in one
// IMMEDIATE transaction, replacing the child rows of earlier attempts.
func (s *Store) FinishTrial(ctx context.Context, t search.Trial) error {
	err := s.finishTrial(ctx, t)
	if err == nil || errors.Is(err, search.ErrTrialFinished) || errors.Is(err, search.ErrNotFound) {
		s.leases.Release(t.ID)
	}
	return err
}

func (s *Store) finishTrial(ctx context.Context, t search.Trial) error {
	what := fmt.Sprintf("finish trial %d (study %d, number %d)", t.ID, t.StudyID, t.Number)
	switch t.Status {
	case search.StatusComplete, search.StatusPruned, search.StatusFailed, search.StatusInterrupted:
	default:
		return fmt.Errorf("%s: status %s is not a final status", what, t.Status)
	}
	params, err := tracker.EncodeParams(t.Params)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	inter, err := tracker.EncodeFloats(t.Intermediate)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	r := t.Result
	var metrics []byte
	var cols [10]*float64
	var value *float64
	var bestEpoch, epochsRun any
	var stopReason, fingerprint string
	var code search.CodeVersion
	if r != nil {
		if metrics, err = tracker.EncodeMetrics(r.Values); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		cols = tracker.SplitMetrics(r.Values)
		v := r.Value
		value = &v
		bestEpoch, epochsRun = r.BestEpoch, r.EpochsRun
		stopReason, fingerprint, code = r.StopReason, r.PipelineFingerprint, r.Code
	}
	evals, err := encodeEvaluations(r)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	args := []any{t.Status.String(), params, int64(t.Seed), r != nil, nullReal(value)}
	for _, c := range cols {
		args = append(args, nullReal(c))
	}
	args = append(args, nullBytes(metrics), string(inter), bestEpoch, epochsRun, stopReason, t.Error,
		t.Host, nullTime(t.StartedAt), nullTime(t.FinishedAt), code.Module, code.Revision, code.Dirty,
		code.GoVersion, code.Platform, fingerprint, formatTime(s.opts.Now()),
		t.ID, t.ID, t.StudyID, t.Number, t.Attempt, t.Attempt)
	var id int64
	err = tx.StmtContext(ctx, s.stmts.finish).QueryRowContext(ctx, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, s.notRunning(ctx, tx, t))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	for _, table := range childTables {
		if _, err := tx.StmtContext(ctx, s.stmts.clear[table]).ExecContext(ctx, id); err != nil {
			return fmt.Errorf("%s: clear %s: %w", what, table, err)
		}
	}
	if r != nil {
		if err := s.insertRows(ctx, tx, "trial_evaluations", 5,
			len(r.Evaluations), func(i int, a []any) []any {
				return append(a, id, i, r.Evaluations[i].Split, evals[i].labels, evals[i].confusion)
			}); err != nil {
			return fmt.Errorf("%s: evaluations: %w", what, err)
		}
		type classRow struct {
			pos, idx int
			split    string
			c        search.ClassMetrics
		}
		var classes []classRow
		for p, e := range r.Evaluations {
			for i, c := range e.Classes {
				classes = append(classes, classRow{p, i, e.Split, c})
			}
		}
		if err := s.insertRows(ctx, tx, "trial_classes", 9,
			len(classes), func(i int, a []any) []any {
				c := classes[i]
				return append(a, id, c.pos, c.split, c.idx, c.c.Label, sqlReal(c.c.Precision), sqlReal(c.c.Recall), sqlReal(c.c.F1), c.c.Support)
			}); err != nil {
			return fmt.Errorf("%s: classes: %w", what, err)
		}
		if err := s.insertRows(ctx, tx, "trial_epochs", 9,
			len(r.History), func(i int, a []any) []any {
				e := r.History[i]
				return append(a, id, i, e.Epoch, sqlReal(e.TrainLoss), sqlReal(e.TrainAcc), sqlReal(e.ValLoss), sqlReal(e.ValAcc), sqlReal(e.ValMacroF1), sqlReal(e.Seconds))
			}); err != nil {
			return fmt.Errorf("%s: history: %w", what, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	return nil
}

// notRunning explains why no running row matched a FinishTrial.
func (s *Store) notRunning(ctx context.Context, q querier, t search.Trial) error {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM trials WHERE id = ? OR (? = 0 AND study_id = ? AND number = ?)`,
		t.ID, t.ID, t.StudyID, t.Number).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return search.ErrNotFound
	}
	return search.ErrTrialFinished
}

func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

type encodedEvaluation struct{ labels, confusion string }

func encodeEvaluations(r *search.Result) ([]encodedEvaluation, error) {
	if r == nil {
		return nil, nil
	}
	out := make([]encodedEvaluation, len(r.Evaluations))
	for i, e := range r.Evaluations {
		lb, cb, err := tracker.EncodeEvaluation(e)
		if err != nil {
			return nil, err
		}
		out[i] = encodedEvaluation{lb, cb}
	}
	return out, nil
}

// childTables are the tables holding a finished trial's rows.
var childTables = [...]string{"trial_evaluations", "trial_classes", "trial_epochs"}

var childColumns = map[string]string{
	"trial_evaluations": "trial_id, position, split, labels, confusion",
	"trial_classes":     "trial_id, position, split, class_index, label, precision, recall, f1, support",
	"trial_epochs":      "trial_id, position, epoch, train_loss, train_acc, val_loss, val_acc, val_macro_f1, seconds",
}

// maxChunk is the largest multi-row INSERT prepared; inserts of n rows run
// as chunks of powers of two (100 rows: 64 + 32 + 4).
const maxChunk = 64

// statements are FinishTrial's statements, prepared once on the writer
// connection at Open: parsing them on every call cost a third of it.
type statements struct {
	finish *sql.Stmt
	clear  map[string]*sql.Stmt
	insert map[string][]*sql.Stmt // by table, then log2(rows)
}

const finishSQL = `UPDATE trials SET
		status = ?, params = ?, seed = ?, has_result = ?, value = ?,
		val_macro_f1 = ?, val_accuracy = ?, val_balanced_accuracy = ?, val_loss = ?, val_weighted_f1 = ?,
		test_macro_f1 = ?, test_accuracy = ?, test_balanced_accuracy = ?, test_loss = ?, test_weighted_f1 = ?,
		metrics = ?, intermediate = ?, best_epoch = ?, epochs_run = ?, stop_reason = ?, error = ?,
		host = ?, started_at = coalesce(?, started_at), finished_at = ?,
		code_module = ?, code_revision = ?, code_dirty = ?, go_version = ?, platform = ?,
		pipeline_fingerprint = ?, heartbeat_at = ?, lease_expires_at = NULL
		WHERE (id = ? OR (? = 0 AND study_id = ? AND number = ?))
		  AND status = 'running' AND (? = 0 OR attempt = ?)
		RETURNING id`

func prepareStatements(ctx context.Context, db *sql.DB) (*statements, error) {
	st := &statements{clear: map[string]*sql.Stmt{}, insert: map[string][]*sql.Stmt{}}
	var err error
	if st.finish, err = db.PrepareContext(ctx, finishSQL); err != nil {
		return nil, fmt.Errorf("prepare finish: %w", err)
	}
	for _, table := range childTables {
		if st.clear[table], err = db.PrepareContext(ctx, `DELETE FROM `+table+` WHERE trial_id = ?`); err != nil {
			return nil, fmt.Errorf("prepare clear %s: %w", table, err)
		}
		width := strings.Count(childColumns[table], ",") + 1
		one := "(" + strings.TrimSuffix(strings.Repeat("?,", width), ",") + ")"
		for rows := 1; rows <= maxChunk; rows *= 2 {
			q := "INSERT INTO " + table + " (" + childColumns[table] + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
			stmt, err := db.PrepareContext(ctx, q)
			if err != nil {
				return nil, fmt.Errorf("prepare insert %s: %w", table, err)
			}
			st.insert[table] = append(st.insert[table], stmt)
		}
	}
	return st, nil
}

func (st *statements) close() {
	if st == nil {
		return
	}
	all := []*sql.Stmt{st.finish}
	for _, table := range childTables {
		all = append(all, st.clear[table])
		all = append(all, st.insert[table]...)
	}
	for _, s := range all {
		if s != nil {
			s.Close()
		}
	}
}

// insertRows inserts n rows of table (width columns), binding every value
// as a parameter, in chunks of prepared multi-row INSERTs.
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, table string, width, n int, row func(i int, args []any) []any) error {
	args := make([]any, 0, min(n, maxChunk)*width)
	for start := 0; start < n; {
		k, log2 := maxChunk, len(s.stmts.insert[table])-1
		for k > n-start {
			k, log2 = k/2, log2-1
		}
		args = args[:0]
		for i := start; i < start+k; i++ {
			args = row(i, args)
		}
		if _, err := tx.StmtContext(ctx, s.stmts.insert[table][log2]).ExecContext(ctx, args...); err != nil {
			return err
		}
		start += k
	}
	return nil
}
