package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
)

const trialColumns = `id, study_id, number, status, params, seed, attempt, has_result, value,
	metrics, intermediate, best_epoch, epochs_run, stop_reason, error, host, started_at, finished_at,
	code_module, code_revision, code_dirty, go_version, platform, pipeline_fingerprint,
	worker, heartbeat_at, lease_expires_at`

type lease struct {
	worker               string
	heartbeat, expiresAt *time.Time
}

func scanTrial(row pgx.Row) (search.Trial, lease, error) {
	var t search.Trial
	var l lease
	var status string
	var params, metrics []byte
	var seed int64
	var hasResult bool
	var value *float64
	var bestEpoch, epochsRun *int
	var stopReason, fingerprint string
	var started, finished *time.Time
	var code search.CodeVersion
	err := row.Scan(&t.ID, &t.StudyID, &t.Number, &status, &params, &seed, &t.Attempt, &hasResult, &value,
		&metrics, &t.Intermediate, &bestEpoch, &epochsRun, &stopReason, &t.Error, &t.Host, &started, &finished,
		&code.Module, &code.Revision, &code.Dirty, &code.GoVersion, &code.Platform, &fingerprint,
		&l.worker, &l.heartbeat, &l.expiresAt)
	if err != nil {
		return t, l, err
	}
	t.Seed = uint64(seed)
	t.StartedAt, t.FinishedAt = fromNullTime(started), fromNullTime(finished)
	if t.Status, err = search.ParseStatus(status); err != nil {
		return t, l, fmt.Errorf("trial %d: %w", t.ID, err)
	}
	if t.Params, err = tracker.DecodeParams(params); err != nil {
		return t, l, fmt.Errorf("trial %d: %w", t.ID, err)
	}
	if hasResult {
		r := &search.Result{Value: math.NaN(), StopReason: stopReason, PipelineFingerprint: fingerprint, Code: code}
		if value != nil {
			r.Value = *value
		}
		if bestEpoch != nil {
			r.BestEpoch = *bestEpoch
		}
		if epochsRun != nil {
			r.EpochsRun = *epochsRun
		}
		if r.Values, err = tracker.DecodeMetrics(metrics); err != nil {
			return t, l, fmt.Errorf("trial %d: %w", t.ID, err)
		}
		t.Result = r
	}
	return t, l, nil
}

func readTx(ctx context.Context, s *Store, op string, fn func(tx pgx.Tx) error) error {
	return s.retry(ctx, op, func(ctx context.Context) error {
		return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
	})
}

// Trials implements search.Store. Results carry the scalar fields; History
// and Evaluations are left empty (Trial has them). An unknown study gives
// search.ErrNotFound.
func (s *Store) Trials(ctx context.Context, studyID int64) ([]search.Trial, error) {
	var trials []search.Trial
	err := readTx(ctx, s, "trials", func(tx pgx.Tx) error {
		if _, err := studyWhere(ctx, tx, `id = $1`, studyID); err != nil {
			return err
		}
		var err error
		trials, err = loadTrials(ctx, tx, studyID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("trials of study %d: %w", studyID, err)
	}
	return trials, nil
}

func loadTrials(ctx context.Context, q querier, studyID int64) ([]search.Trial, error) {
	rows, err := q.Query(ctx, `SELECT `+trialColumns+` FROM trials WHERE study_id = $1 ORDER BY number`, studyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	trials := []search.Trial{}
	for rows.Next() {
		t, _, err := scanTrial(rows)
		if err != nil {
			return nil, err
		}
		trials = append(trials, t)
	}
	return trials, rows.Err()
}

// Trial returns everything recorded about the trial with that global ID,
// or search.ErrNotFound.
func (s *Store) Trial(ctx context.Context, id int64) (tracker.TrialDetail, error) {
	var d tracker.TrialDetail
	err := readTx(ctx, s, "trial", func(tx pgx.Tx) error {
		d = tracker.TrialDetail{}
		t, l, err := scanTrial(tx.QueryRow(ctx, `SELECT `+trialColumns+` FROM trials WHERE id = $1`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return search.ErrNotFound
		}
		if err != nil {
			return err
		}
		d.Worker, d.HeartbeatAt, d.LeaseExpiresAt = l.worker, fromNullTime(l.heartbeat), fromNullTime(l.expiresAt)
		if d.Study, err = studyWhere(ctx, tx, `id = $1`, t.StudyID); err != nil {
			return fmt.Errorf("study %d: %w", t.StudyID, err)
		}
		if t.Result != nil {
			if err := loadDetails(ctx, tx, id, t.Result); err != nil {
				return err
			}
		}
		d.Trial = t
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("trial %d: %w", id, err)
	}
	return d, nil
}

// loadDetails reads the evaluations, per-class rows and history of a trial.
// Each result is closed before the next query: a pgx connection runs one
// at a time.
func loadDetails(ctx context.Context, tx pgx.Tx, id int64, r *search.Result) error {
	rows, err := tx.Query(ctx, `SELECT `+tracker.EvaluationColumns+` FROM trial_evaluations WHERE trial_id = $1 ORDER BY position`, id)
	if err != nil {
		return fmt.Errorf("evaluations: %w", err)
	}
	r.Evaluations, err = tracker.ScanEvaluations(rows, r.Evaluations)
	rows.Close()
	if err != nil {
		return err
	}
	rows, err = tx.Query(ctx, `SELECT `+tracker.ClassColumns+` FROM trial_classes WHERE trial_id = $1 ORDER BY position, class_index`, id)
	if err != nil {
		return fmt.Errorf("classes: %w", err)
	}
	err = tracker.ScanClasses(rows, r.Evaluations)
	rows.Close()
	if err != nil {
		return err
	}
	rows, err = tx.Query(ctx, `SELECT `+tracker.EpochColumns+` FROM trial_epochs WHERE trial_id = $1 ORDER BY position`, id)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	r.History, err = tracker.ScanEpochs(rows, r.History)
	return err
}

// LeaderboardSQL returns the statement Leaderboard runs first (numeric
// values only, an index range on (study_id, column)) and its arguments, for
// EXPLAIN in benchmarks. study is nil across studies.
func LeaderboardSQL(p tracker.LeaderboardPlan, study *search.Study) (string, []any, error) {
	return leaderboardSQL(p, study, true)
}

// leaderboardSQL builds the statement for the numeric values (numeric) or
// for the NaN and missing ones, which rank by the tie-break alone.
func leaderboardSQL(p tracker.LeaderboardPlan, study *search.Study, numeric bool) (string, []any, error) {
	col := "t." + p.Column
	var where strings.Builder
	args := []any{p.Statuses}
	where.WriteString("t.status = ANY($1::text[])")
	if study != nil {
		args = append(args, study.ID)
		where.WriteString(" AND t.study_id = $" + strconv.Itoa(len(args)))
	}
	for i, f := range p.Where {
		if r := f.Range; r != nil {
			// The CASE keeps the cast from a string parameter, which
			// would fail the whole query: AND does not order its terms.
			args = append(args, f.Name, r.Min, r.Max)
			n := len(args) - 2
			fmt.Fprintf(&where, " AND jsonb_typeof(t.params -> $%d::text) = 'number'"+
				" AND CASE WHEN jsonb_typeof(t.params -> $%d::text) = 'number' THEN (t.params ->> $%d::text)::float8 END BETWEEN $%d::float8 AND $%d::float8",
				n, n, n, n+1, n+2)
			continue
		}
		v, err := json.Marshal(f.Value)
		if err != nil {
			return "", nil, fmt.Errorf("leaderboard where[%d] (%s): %w", i, f.Name, err)
		}
		args = append(args, f.Name, string(v))
		fmt.Fprintf(&where, " AND t.params -> $%d::text = $%d::jsonb", len(args)-1, len(args))
	}
	dir := "DESC"
	if p.Direction == search.Minimize {
		dir = "ASC"
	}
	args = append(args, p.Limit)
	q := `SELECT t.id, t.study_id, s.name, t.number, t.status, ` + col + `, t.value,
		t.val_macro_f1, t.val_accuracy, t.val_balanced_accuracy, t.val_loss, t.val_weighted_f1,
		t.test_macro_f1, t.test_accuracy, t.test_balanced_accuracy, t.test_loss, t.test_weighted_f1, t.params
		FROM trials AS t JOIN studies AS s ON s.id = t.study_id
		WHERE ` + where.String() + ` AND %s
		ORDER BY %s t.val_loss ASC NULLS LAST, t.id ASC LIMIT $` + strconv.Itoa(len(args))
	if numeric {
		return fmt.Sprintf(q, col+` < 'NaN'::float8`, col+" "+dir+","), args, nil
	}
	return fmt.Sprintf(q, `(`+col+` IS NULL OR `+col+` = 'NaN'::float8)`, ""), args, nil
}

// Leaderboard ranks trials (see tracker.LeaderboardQuery and tracker.Entry
// for the defaults and the tie-break). Ranked values that are NaN or
// missing come after all numbers. The metric column comes from a whitelist;
// every value is a bound parameter.
func (s *Store) Leaderboard(ctx context.Context, q tracker.LeaderboardQuery) ([]tracker.Entry, error) {
	var study *search.Study
	if q.Study != "" {
		st, err := s.StudyByName(ctx, q.Study)
		if err != nil {
			return nil, fmt.Errorf("leaderboard: %w", err)
		}
		study = &st
	}
	p, err := q.Plan(study)
	if err != nil {
		return nil, err
	}
	first, args, err := leaderboardSQL(p, study, true)
	if err != nil {
		return nil, err
	}
	rest, _, err := leaderboardSQL(p, study, false)
	if err != nil {
		return nil, err
	}
	var entries []tracker.Entry
	err = s.retry(ctx, "leaderboard", func(ctx context.Context) error {
		entries = nil
		var err error
		if entries, err = scanEntries(ctx, s, first, args, entries); err != nil {
			return err
		}
		if len(entries) < p.Limit {
			args2 := append([]any(nil), args...)
			args2[len(args2)-1] = p.Limit - len(entries)
			entries, err = scanEntries(ctx, s, rest, args2, entries)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	return entries, nil
}

func scanEntries(ctx context.Context, s *Store, query string, args []any, out []tracker.Entry) ([]tracker.Entry, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	names := tracker.MetricNames()
	for rows.Next() {
		var e tracker.Entry
		var status string
		var value, objective *float64
		var ms [10]*float64
		var params []byte
		if err := rows.Scan(&e.TrialID, &e.StudyID, &e.Study, &e.Number, &status, &value, &objective,
			&ms[0], &ms[1], &ms[2], &ms[3], &ms[4], &ms[5], &ms[6], &ms[7], &ms[8], &ms[9], &params); err != nil {
			return out, err
		}
		if e.Status, err = search.ParseStatus(status); err != nil {
			return out, fmt.Errorf("trial %d: %w", e.TrialID, err)
		}
		e.Value, e.Objective = orNaN(value), orNaN(objective)
		e.Metrics = make(map[string]float64, len(ms))
		for i, m := range ms {
			if m != nil {
				e.Metrics[names[i]] = *m
			}
		}
		if e.Params, err = tracker.DecodeParams(params); err != nil {
			return out, fmt.Errorf("trial %d: %w", e.TrialID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func orNaN(f *float64) float64 {
	if f == nil {
		return math.NaN()
	}
	return *f
}

// Studies lists every study by name with its trial counts per status and
// its best complete trial (the top of its leaderboard).
func (s *Store) Studies(ctx context.Context) ([]tracker.StudySummary, error) {
	var out []tracker.StudySummary
	err := readTx(ctx, s, "studies", func(tx pgx.Tx) error {
		out = nil
		rows, err := tx.Query(ctx, `SELECT `+studyColumns+` FROM studies ORDER BY name`)
		if err != nil {
			return err
		}
		index := map[int64]int{}
		for rows.Next() {
			st, err := scanStudy(rows)
			if err != nil {
				rows.Close()
				return err
			}
			index[st.ID] = len(out)
			out = append(out, tracker.StudySummary{Study: st, Counts: map[search.Status]int{}, Best: math.NaN()})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT study_id, status, count(*) FROM trials GROUP BY study_id, status`)
		if err != nil {
			return fmt.Errorf("counts: %w", err)
		}
		for rows.Next() {
			var id int64
			var status string
			var n int
			if err := rows.Scan(&id, &status, &n); err != nil {
				rows.Close()
				return fmt.Errorf("counts: %w", err)
			}
			st, err := search.ParseStatus(status)
			i, ok := index[id]
			if err != nil || !ok {
				rows.Close()
				return fmt.Errorf("counts: study %d status %q", id, status)
			}
			out[i].Counts[st] += n
			out[i].Trials += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("counts: %w", err)
		}
		for i := range out {
			dir := "DESC"
			if out[i].Study.Direction == search.Minimize {
				dir = "ASC"
			}
			var best float64
			err := tx.QueryRow(ctx, `SELECT id, value FROM trials
				WHERE study_id = $1 AND status = 'complete' AND value < 'NaN'::float8
				ORDER BY value `+dir+`, val_loss ASC NULLS LAST, id ASC LIMIT 1`, out[i].Study.ID).Scan(&out[i].BestTrialID, &best)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
			case err != nil:
				return fmt.Errorf("best of %q: %w", out[i].Study.Name, err)
			default:
				out[i].Best = best
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("studies: %w", err)
	}
	return out, nil
}

// Export writes the named study's trials to w as CSV or JSON (see
// tracker.WriteExport). The trials are read in one snapshot before
// anything is written.
func (s *Store) Export(ctx context.Context, study string, f tracker.Format, w io.Writer) error {
	if f != tracker.CSV && f != tracker.JSON {
		return fmt.Errorf("export: unknown format %q (want csv or json)", f)
	}
	var st search.Study
	var trials []search.Trial
	err := readTx(ctx, s, "export", func(tx pgx.Tx) error {
		var err error
		if st, err = studyWhere(ctx, tx, `name = $1`, study); err != nil {
			return err
		}
		trials, err = loadTrials(ctx, tx, st.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("export %q: %w", study, err)
	}
	return tracker.WriteExport(w, f, st, trials)
}
