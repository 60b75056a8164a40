package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
)

// nullTime writes the zero time as NULL; times keep microseconds.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

func fromNullTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// CreateStudy implements search.Store.
func (s *Store) CreateStudy(ctx context.Context, st search.Study) (search.Study, error) {
	if st.Name == "" {
		return st, errors.New("create study: empty name")
	}
	if st.Direction != search.Maximize && st.Direction != search.Minimize {
		return st, fmt.Errorf("create study %q: invalid direction %d", st.Name, int(st.Direction))
	}
	st.CreatedAt = s.opts.Now().UTC().Truncate(time.Microsecond)
	spec := st.Spec
	if spec == nil {
		spec = []byte{}
	}
	err := s.retry(ctx, "create study", func(ctx context.Context) error {
		return s.pool.QueryRow(ctx, `INSERT INTO studies (name, spec, objective, direction, seed, dataset_fingerprint, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			st.Name, spec, st.Objective, st.Direction.String(), int64(st.Seed), st.DatasetFingerprint, st.CreatedAt).Scan(&st.ID)
	})
	if constraint(err, "23505") {
		return st, fmt.Errorf("create study %q: %w", st.Name, search.ErrStudyExists)
	}
	if err != nil {
		return st, fmt.Errorf("create study %q: %w", st.Name, err)
	}
	return st, nil
}

const studyColumns = `id, name, spec, objective, direction, seed, dataset_fingerprint, created_at`

func scanStudy(row pgx.Row) (search.Study, error) {
	var st search.Study
	var dir string
	var seed int64
	if err := row.Scan(&st.ID, &st.Name, &st.Spec, &st.Objective, &dir, &seed, &st.DatasetFingerprint, &st.CreatedAt); err != nil {
		return st, err
	}
	st.Seed = uint64(seed)
	st.CreatedAt = st.CreatedAt.UTC()
	if st.Spec == nil {
		st.Spec = []byte{}
	}
	var err error
	if st.Direction, err = search.ParseDirection(dir); err != nil {
		return st, fmt.Errorf("study %d: %w", st.ID, err)
	}
	return st, nil
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func studyWhere(ctx context.Context, q querier, where string, arg any) (search.Study, error) {
	st, err := scanStudy(q.QueryRow(ctx, `SELECT `+studyColumns+` FROM studies WHERE `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return st, search.ErrNotFound
	}
	return st, err
}

// StudyByName implements search.Store.
func (s *Store) StudyByName(ctx context.Context, name string) (search.Study, error) {
	var st search.Study
	err := s.retry(ctx, "study", func(ctx context.Context) error {
		var err error
		st, err = studyWhere(ctx, s.pool, `name = $1`, name)
		return err
	})
	if err != nil {
		return st, fmt.Errorf("study %q: %w", name, err)
	}
	return st, nil
}

// StartTrial implements search.Store: one upsert that inserts trial k or
// re-marks an unfinished row as running with attempt+1, keeping its ID. A
// row running under another worker's unexpired lease is left alone
// (search.ErrTrialHeld), unless that worker is a dead process of this
// host. The store then heartbeats the trial until FinishTrial.
func (s *Store) StartTrial(ctx context.Context, t search.Trial) (search.Trial, error) {
	what := fmt.Sprintf("start trial %d of study %d", t.Number, t.StudyID)
	if t.Number < 0 {
		return t, fmt.Errorf("%s: negative number", what)
	}
	params, err := tracker.EncodeParams(t.Params)
	if err != nil {
		return t, fmt.Errorf("%s: %w", what, err)
	}
	var id int64
	var attempt int
	err = s.retry(ctx, "start trial", func(ctx context.Context) error {
		// A row that changes between the upsert and the look that explains
		// it (its holder finished, gave it up or died) is tried again.
		for range 3 {
			err := s.pool.QueryRow(ctx, `INSERT INTO trials
				(study_id, number, status, params, seed, attempt, host, started_at, worker, heartbeat_at, lease_expires_at)
				VALUES ($1, $2, 'running', $3, $4, 1, $5, $6, $9,
					coalesce($7::timestamptz, now()), coalesce($7::timestamptz, now()) + $8::bigint * interval '1 microsecond')
				ON CONFLICT (study_id, number) DO UPDATE SET
					status = 'running', params = excluded.params, seed = excluded.seed,
					-- The same start again (a retry whose first reply was lost)
					-- is the same attempt.
					attempt = CASE WHEN trials.status = 'running' AND trials.worker = excluded.worker
						AND trials.started_at = excluded.started_at THEN trials.attempt ELSE trials.attempt + 1 END,
					host = excluded.host, started_at = excluded.started_at,
					finished_at = NULL, error = '', worker = excluded.worker,
					heartbeat_at = excluded.heartbeat_at, lease_expires_at = excluded.lease_expires_at
				WHERE trials.status NOT IN ('complete', 'pruned')
					AND NOT (trials.status = 'running' AND trials.worker <> excluded.worker
						AND coalesce(trials.lease_expires_at > excluded.heartbeat_at, false))
				RETURNING id, attempt`,
				t.StudyID, t.Number, params, int64(t.Seed), t.Host, nullTime(t.StartedAt), s.leaseNow(),
				s.opts.Lease.Microseconds(), s.worker).Scan(&id, &attempt)
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			var status, worker string
			var until *time.Time
			err = s.pool.QueryRow(ctx, `SELECT status, worker, lease_expires_at FROM trials WHERE study_id = $1 AND number = $2`,
				t.StudyID, t.Number).Scan(&status, &worker, &until)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				continue
			case err != nil:
				return err
			case status == search.StatusComplete.String() || status == search.StatusPruned.String():
				return search.ErrTrialFinished
			case status != search.StatusRunning.String():
				continue
			case tracker.DeadLocalWorker(worker):
				// Its process is gone: its lease means nothing.
				if _, err := s.pool.Exec(ctx, `UPDATE trials SET lease_expires_at = NULL
					WHERE study_id = $1 AND number = $2 AND status = 'running' AND worker = $3`, t.StudyID, t.Number, worker); err != nil {
					return err
				}
				continue
			}
			return tracker.HeldError(worker, fromNullTime(until))
		}
		return fmt.Errorf("the row kept changing under other processes")
	})
	switch {
	case constraint(err, "23503"):
		return t, fmt.Errorf("%s: %w", what, search.ErrNotFound)
	case err != nil:
		return t, fmt.Errorf("%s: %w", what, err)
	}
	s.leases.Hold(id)
	t.ID, t.Attempt, t.Status = id, attempt, search.StatusRunning
	t.FinishedAt, t.Error = time.Time{}, ""
	return t, nil
}

// leaseNow is the lease clock's time, or nil for the server's clock.
func (s *Store) leaseNow() any {
	if s.leaseClock == nil {
		return nil
	}
	return s.leaseClock().UTC()
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
	rows, err := s.pool.Query(ctx, `UPDATE trials SET heartbeat_at = coalesce($1::timestamptz, now()),
			lease_expires_at = coalesce($1::timestamptz, now()) + $2::bigint * interval '1 microsecond'
		WHERE id = ANY($3) AND worker = $4 AND status = 'running'
		RETURNING id`, s.leaseNow(), s.opts.Lease.Microseconds(), ids, s.worker)
	if err != nil {
		return nil, s.redact(err)
	}
	renewed, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return renewed, s.redact(err)
}

// finishRows holds the child rows of a finished trial as column arrays,
// inserted with unnest in one batch.
type finishRows struct {
	evalPos                      []int32
	evalSplit, evalLab, evalConf []string
	clsPos, clsIdx, clsSupport   []int32
	clsSplit, clsLabel           []string
	clsP, clsR, clsF1            []float64
	epPos, epEpoch               []int32
	epTL, epTA, epVL, epVA, epF1 []float64
	epSec                        []float64
}

func buildRows(r *search.Result) (*finishRows, error) {
	fr := &finishRows{}
	if r == nil {
		return fr, nil
	}
	for p, e := range r.Evaluations {
		lb, cb, err := tracker.EncodeEvaluation(e)
		if err != nil {
			return nil, err
		}
		fr.evalPos = append(fr.evalPos, int32(p))
		fr.evalSplit = append(fr.evalSplit, e.Split)
		fr.evalLab = append(fr.evalLab, lb)
		fr.evalConf = append(fr.evalConf, cb)
		for i, c := range e.Classes {
			fr.clsPos = append(fr.clsPos, int32(p))
			fr.clsIdx = append(fr.clsIdx, int32(i))
			fr.clsSplit = append(fr.clsSplit, e.Split)
			fr.clsLabel = append(fr.clsLabel, c.Label)
			fr.clsP = append(fr.clsP, c.Precision)
			fr.clsR = append(fr.clsR, c.Recall)
			fr.clsF1 = append(fr.clsF1, c.F1)
			fr.clsSupport = append(fr.clsSupport, int32(c.Support))
		}
	}
	for i, e := range r.History {
		fr.epPos = append(fr.epPos, int32(i))
		fr.epEpoch = append(fr.epEpoch, int32(e.Epoch))
		fr.epTL = append(fr.epTL, e.TrainLoss)
		fr.epTA = append(fr.epTA, e.TrainAcc)
		fr.epVL = append(fr.epVL, e.ValLoss)
		fr.epVA = append(fr.epVA, e.ValAcc)
		fr.epF1 = append(fr.epF1, e.ValMacroF1)
		fr.epSec = append(fr.epSec, e.Seconds)
	}
	return fr, nil
}

// FinishTrial implements search.Store. The trial row and its child rows
// (replacing those of earlier attempts) are written in one transaction:
// the UPDATE, then one batch of deletes and unnest inserts.
func (s *Store) FinishTrial(ctx context.Context, t search.Trial) error {
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
	r := t.Result
	var metrics []byte
	var cols [10]*float64
	var value *float64
	var bestEpoch, epochsRun *int
	var stopReason, fingerprint string
	var code search.CodeVersion
	if r != nil {
		if metrics, err = tracker.EncodeMetrics(r.Values); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		cols = tracker.SplitMetrics(r.Values)
		value = &r.Value
		bestEpoch, epochsRun = &r.BestEpoch, &r.EpochsRun
		stopReason, fingerprint, code = r.StopReason, r.PipelineFingerprint, r.Code
	}
	rows, err := buildRows(r)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	var metricsArg any
	if metrics != nil {
		metricsArg = string(metrics)
	}
	key, keyArgs := "id = $33", []any{t.ID}
	if t.ID == 0 {
		key, keyArgs = "study_id = $33 AND number = $34", []any{t.StudyID, t.Number}
	}
	args := []any{t.Status.String(), params, int64(t.Seed), r != nil, value}
	for _, c := range cols {
		args = append(args, c)
	}
	args = append(args, metricsArg, t.Intermediate, bestEpoch, epochsRun, stopReason, t.Error,
		t.Host, nullTime(t.StartedAt), nullTime(t.FinishedAt), code.Module, code.Revision, code.Dirty,
		code.GoVersion, code.Platform, fingerprint, s.opts.Now().UTC(), t.Attempt)
	args = append(args, keyArgs...)
	// One batch is one round trip and one implicit transaction: the first
	// statement updates the running row and clears the rows of earlier
	// attempts, or raises (sweep_trial_not_running, SQLSTATE P0002) so that
	// the server skips the rest; the inserts then find the row by its key.
	update := `WITH u AS (
		UPDATE trials SET
		status = $1, params = $2, seed = $3, has_result = $4, value = $5,
		val_macro_f1 = $6, val_accuracy = $7, val_balanced_accuracy = $8, val_loss = $9, val_weighted_f1 = $10,
		test_macro_f1 = $11, test_accuracy = $12, test_balanced_accuracy = $13, test_loss = $14, test_weighted_f1 = $15,
		metrics = $16, intermediate = $17, best_epoch = $18, epochs_run = $19, stop_reason = $20, error = $21,
		host = $22, started_at = coalesce($23, started_at), finished_at = $24,
		code_module = $25, code_revision = $26, code_dirty = $27, go_version = $28, platform = $29,
		pipeline_fingerprint = $30, heartbeat_at = $31, lease_expires_at = NULL
		WHERE ` + key + ` AND status = 'running' AND ($32::int = 0 OR attempt = $32)
		RETURNING id),
	d1 AS (DELETE FROM trial_evaluations WHERE trial_id IN (SELECT id FROM u)),
	d2 AS (DELETE FROM trial_classes WHERE trial_id IN (SELECT id FROM u)),
	d3 AS (DELETE FROM trial_epochs WHERE trial_id IN (SELECT id FROM u))
	SELECT coalesce((SELECT id FROM u), sweep_trial_not_running())`
	idOf, idArgs := `SELECT id FROM trials WHERE id = $1`, []any{t.ID}
	if t.ID == 0 {
		idOf, idArgs = `SELECT id FROM trials WHERE study_id = $1 AND number = $2`, []any{t.StudyID, t.Number}
	}
	n := len(idArgs)
	ph := func(i int) string { return "$" + strconv.Itoa(n+i) }
	// A batch is built per try: pgx keeps state in queued queries.
	batch := func() *pgx.Batch {
		b := &pgx.Batch{}
		b.Queue(update, args...)
		if len(rows.evalPos) > 0 {
			b.Queue(`INSERT INTO trial_evaluations (trial_id, position, split, labels, confusion)
				SELECT k.id, x.* FROM (`+idOf+`) AS k, unnest(`+ph(1)+`::int[], `+ph(2)+`::text[], `+ph(3)+`::jsonb[], `+ph(4)+`::jsonb[]) AS x`,
				append(idArgs[:n:n], rows.evalPos, rows.evalSplit, rows.evalLab, rows.evalConf)...)
		}
		if len(rows.clsPos) > 0 {
			b.Queue(`INSERT INTO trial_classes (trial_id, position, class_index, split, label, precision, recall, f1, support)
				SELECT k.id, x.* FROM (`+idOf+`) AS k, unnest(`+ph(1)+`::int[], `+ph(2)+`::int[], `+ph(3)+`::text[], `+ph(4)+`::text[], `+
				ph(5)+`::float8[], `+ph(6)+`::float8[], `+ph(7)+`::float8[], `+ph(8)+`::int[]) AS x`,
				append(idArgs[:n:n], rows.clsPos, rows.clsIdx, rows.clsSplit, rows.clsLabel, rows.clsP, rows.clsR, rows.clsF1, rows.clsSupport)...)
		}
		if len(rows.epPos) > 0 {
			b.Queue(`INSERT INTO trial_epochs (trial_id, position, epoch, train_loss, train_acc, val_loss, val_acc, val_macro_f1, seconds)
				SELECT k.id, x.* FROM (`+idOf+`) AS k, unnest(`+ph(1)+`::int[], `+ph(2)+`::int[], `+ph(3)+`::float8[], `+ph(4)+`::float8[], `+
				ph(5)+`::float8[], `+ph(6)+`::float8[], `+ph(7)+`::float8[], `+ph(8)+`::float8[]) AS x`,
				append(idArgs[:n:n], rows.epPos, rows.epEpoch, rows.epTL, rows.epTA, rows.epVL, rows.epVA, rows.epF1, rows.epSec)...)
		}
		return b
	}
	tries := 0
	err = s.retry(ctx, "finish trial", func(ctx context.Context) error {
		tries++
		err := sendFinish(ctx, s, batch())
		if constraint(err, "P0002") {
			return s.notRunning(ctx, t, tries > 1)
		}
		return err
	})
	if errors.Is(err, errAlreadyRecorded) {
		err = nil
	}
	if err == nil || errors.Is(err, search.ErrTrialFinished) || errors.Is(err, search.ErrNotFound) {
		s.leases.Release(t.ID)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// errAlreadyRecorded: a retried FinishTrial found its own earlier commit
// (the connection dropped after COMMIT reached the server).
var errAlreadyRecorded = errors.New("already recorded by an earlier try")

// sendFinish sends FinishTrial's batch and reads every result.
func sendFinish(ctx context.Context, s *Store, b *pgx.Batch) error {
	br := s.pool.SendBatch(ctx, b)
	var id int64
	if err := br.QueryRow().Scan(&id); err != nil {
		br.Close()
		return err
	}
	for range b.Len() - 1 {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return err
		}
	}
	return br.Close()
}

// notRunning explains why no running row matched a FinishTrial.
func (s *Store) notRunning(ctx context.Context, t search.Trial, retried bool) error {
	var status string
	var attempt int
	var finished *time.Time
	err := s.pool.QueryRow(ctx, `SELECT status, attempt, finished_at FROM trials WHERE id = $1 OR ($1 = 0 AND study_id = $2 AND number = $3)`,
		t.ID, t.StudyID, t.Number).Scan(&status, &attempt, &finished)
	if errors.Is(err, pgx.ErrNoRows) {
		return search.ErrNotFound
	}
	if err != nil {
		return err
	}
	if retried && status == t.Status.String() && (t.Attempt == 0 || attempt == t.Attempt) &&
		finished != nil && finished.Equal(t.FinishedAt.Truncate(time.Microsecond)) {
		return errAlreadyRecorded
	}
	return search.ErrTrialFinished
}
