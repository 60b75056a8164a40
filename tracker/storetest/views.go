package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
)

// QueryFunc runs a statement on the database behind a store and returns its
// rows with the function that closes them. The suite's statements hold no
// placeholders, so one text serves both dialects.
type QueryFunc func(ctx context.Context, stmt string) (rows tracker.Rows, closeRows func(), err error)

// ExecFunc runs a statement that returns no rows on the database behind a
// store.
type ExecFunc func(ctx context.Context, stmt string) error

// RunViews checks what the schema itself provides on s, a fresh store: the
// analyst views (sql/*/0002_views.sql) answer the questions they are there
// for, and deleting a study deletes its trials and their rows, and no
// other study's. query and exec reach s's database.
func RunViews(t *testing.T, s search.Store, query QueryFunc, exec ExecFunc) {
	ctx := context.Background()
	views := mustCreate(t, s, search.Study{Name: "views", Objective: "val_macro_f1"})
	other := mustCreate(t, s, search.Study{Name: "other", Objective: "val_macro_f1"})
	result := func(value, recall float64) *search.Result {
		return &search.Result{Value: value, Values: map[string]float64{"val_macro_f1": value},
			Evaluations: []search.Evaluation{{Split: "val", Labels: []string{"a", "b"}, Confusion: [][]int{{1, 0}, {0, 1}},
				Classes: []search.ClassMetrics{{Label: "a", Recall: recall, Support: 1}, {Label: "b", Recall: 0.9, Support: 1}}}},
			History: []search.Epoch{{Epoch: 1, ValLoss: 0.3}, {Epoch: 2, ValLoss: value / 10}}}
	}
	for k, recall := range []float64{0.4, 0.7} {
		tr := newTrial(views.ID, k)
		finish(t, s, mustStart(t, s, tr), search.StatusComplete, result(0.5+float64(k), recall))
	}
	finish(t, s, mustStart(t, s, newTrial(views.ID, 2)), search.StatusFailed, nil)
	// A better trial of another study must not leak into the first one's rows.
	finish(t, s, mustStart(t, s, newTrial(other.ID, 0)), search.StatusComplete, result(9, 0.1))

	cases := []struct {
		view, stmt string
		want       []string
	}{
		// Values from the trials above: worst recall of each trial is class
		// a's; best value is trial 1's 0.5+1; finish sets 90 s of training.
		{"trial_class_report", `SELECT number, min(recall) FROM trial_class_report
			WHERE study = 'views' AND split = 'val' GROUP BY number ORDER BY number`,
			[]string{"0 0.4", "1 0.7"}},
		{"study_summary", `SELECT best_value, trials, complete, failed, queued FROM study_summary WHERE study = 'views'`,
			[]string{"1.5 3 2 1 0"}},
		{"leaderboard", `SELECT number, status, value, round(CAST(seconds AS DOUBLE PRECISION)) FROM leaderboard
			WHERE study = 'views' ORDER BY number`,
			[]string{"0 complete 0.5 90", "1 complete 1.5 90"}},
		{"trial_history", `SELECT number, epoch, val_loss FROM trial_history WHERE study = 'views' ORDER BY number, epoch`,
			[]string{"0 1 0.3", "0 2 0.05", "1 1 0.3", "1 2 0.15"}},
	}
	for _, c := range cases {
		if got := queryRows(t, query, c.stmt, len(strings.Fields(c.want[0]))); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s:\n%s\nwant\n%s", c.view, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}

	if err := exec(ctx, `DELETE FROM studies WHERE name = 'views'`); err != nil {
		t.Fatalf("delete study: %v", err)
	}
	// The other study keeps its trial, two class rows, two epochs and one
	// evaluation.
	left := queryRows(t, query, `SELECT (SELECT count(*) FROM trials), (SELECT count(*) FROM trial_classes),
		(SELECT count(*) FROM trial_epochs), (SELECT count(*) FROM trial_evaluations)`, 4)
	if want := "1 2 2 1"; len(left) != 1 || left[0] != want {
		t.Errorf("trials, class rows, epochs, evaluations after deleting a study: %v, want %s", left, want)
	}
}

// queryRows runs stmt and formats each row's cols values with fmt.Sprint,
// space-separated. Both drivers scan integers as int64, floating-point
// columns as float64 and text as string into an any.
func queryRows(t *testing.T, query QueryFunc, stmt string, cols int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rows, closeRows, err := query(ctx, stmt)
	if err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	defer closeRows()
	var out []string
	for rows.Next() {
		vals := make([]any, cols)
		dest := make([]any, cols)
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
		out = append(out, strings.TrimSuffix(fmt.Sprintln(vals...), "\n"))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	return out
}
