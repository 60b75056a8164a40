package storetest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
)

func testTrialDetail(t *testing.T, s Store) {
	ctx := context.Background()
	st := mustCreate(t, s, newStudy("detail"))
	tr := mustStart(t, s, newTrial(st.ID, 3))
	done := finish(t, s, tr, search.StatusComplete, fullResult(0.87, 6))
	d, err := s.Trial(ctx, tr.ID)
	if err != nil {
		t.Fatalf("Trial(%d): %v", tr.ID, err)
	}
	if got, want := describe(d.Trial, true), describe(done, true); got != want {
		t.Errorf("Trial(%d).Trial =\n%s\nwant\n%s", tr.ID, got, want)
	}
	if describeStudy(d.Study) != describeStudy(st) {
		t.Errorf("Trial(%d).Study =\n%s\nwant\n%s", tr.ID, describeStudy(d.Study), describeStudy(st))
	}
	// The worker is the store that ran the trial: host, process, store.
	if pid := ":" + strconv.Itoa(os.Getpid()) + ":"; !strings.Contains(d.Worker, pid) {
		t.Errorf("Trial(%d).Worker = %q, want host%sID", tr.ID, d.Worker, pid)
	}
	if _, err := s.Trial(ctx, tr.ID+1000); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("Trial(missing) error = %v, want ErrNotFound", err)
	}
	// A running trial has no result yet but holds a lease.
	run := mustStart(t, s, newTrial(st.ID, 4))
	d, err = s.Trial(ctx, run.ID)
	if err != nil {
		t.Fatalf("Trial(running): %v", err)
	}
	if d.Trial.Status != search.StatusRunning || d.Trial.Result != nil || d.LeaseExpiresAt.IsZero() || d.HeartbeatAt.IsZero() {
		t.Errorf("running trial: status %s result %v lease %v heartbeat %v", d.Trial.Status, d.Trial.Result, d.LeaseExpiresAt, d.HeartbeatAt)
	}
	if !d.LeaseExpiresAt.After(d.HeartbeatAt) {
		t.Errorf("lease expires at %v, not after heartbeat %v", d.LeaseExpiresAt, d.HeartbeatAt)
	}
}

func testReplacedRows(t *testing.T, s Store) {
	ctx := context.Background()
	st := mustCreate(t, s, newStudy("replace"))
	tr := mustStart(t, s, newTrial(st.ID, 0))
	finish(t, s, tr, search.StatusFailed, fullResult(0.2, 9))
	tr = mustStart(t, s, newTrial(st.ID, 0))
	r := fullResult(0.6, 3)
	r.Evaluations = r.Evaluations[:1]
	done := finish(t, s, tr, search.StatusComplete, r)
	d, err := s.Trial(ctx, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := describe(d.Trial, true), describe(done, true); got != want {
		t.Errorf("after a second attempt, Trial =\n%s\nwant\n%s", got, want)
	}
	if len(d.Trial.Result.History) != 3 || len(d.Trial.Result.Evaluations) != 1 {
		t.Errorf("history %d rows, evaluations %d, want 3 and 1 (rows of attempt 1 must be gone)",
			len(d.Trial.Result.History), len(d.Trial.Result.Evaluations))
	}
}

func testNonFiniteDetail(t *testing.T, s Store) {
	ctx := context.Background()
	st := mustCreate(t, s, newStudy("nonfinite-detail"))
	tr := mustStart(t, s, newTrial(st.ID, 0))
	r := fullResult(0.5, 3)
	r.Value = math.NaN()
	r.History[1].ValLoss, r.History[1].TrainLoss, r.History[2].ValLoss = math.NaN(), math.Inf(1), math.Inf(-1)
	r.Evaluations[0].Classes[0].Precision, r.Evaluations[0].Classes[1].F1 = math.NaN(), math.Inf(1)
	done := finish(t, s, tr, search.StatusFailed, r)
	d, err := s.Trial(ctx, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := describe(d.Trial, true), describe(done, true); got != want {
		t.Errorf("non-finite detail =\n%s\nwant\n%s", got, want)
	}
	h := d.Trial.Result.History
	if !math.IsNaN(h[1].ValLoss) || !math.IsInf(h[1].TrainLoss, 1) || !math.IsInf(h[2].ValLoss, -1) {
		t.Errorf("history read back as %+v", h)
	}
}

// leaderboardFixture records trials with known values in study "lb" (and a
// second study "other"), returning the trial IDs by number.
func leaderboardFixture(t *testing.T, s Store) map[int]int64 {
	t.Helper()
	st := mustCreate(t, s, newStudy("lb"))
	other := newStudy("other")
	other.Direction, other.Objective = search.Minimize, "val_loss"
	ot := mustCreate(t, s, other)
	ids := map[int]int64{}
	// number: value, val_loss, status
	rows := []struct {
		value, loss float64
		status      search.Status
	}{
		0: {0.70, 0.5, search.StatusComplete},
		1: {0.90, 0.3, search.StatusComplete},
		2: {0.90, 0.2, search.StatusComplete}, // ties 1 on value, wins on val_loss
		3: {0.90, 0.2, search.StatusComplete}, // ties 2 on both, loses on ID
		4: {math.NaN(), math.NaN(), search.StatusComplete},
		5: {0.99, 0.1, search.StatusPruned},
		6: {0.95, 0.25, search.StatusFailed},
		7: {0.10, 0.9, search.StatusComplete},
		8: {math.Inf(1), 0.4, search.StatusComplete},
	}
	for n, row := range rows {
		tr := newTrial(st.ID, n)
		tr = mustStart(t, s, tr)
		r := fullResult(row.value, 2)
		r.Values["val_loss"] = row.loss
		r.Values["val_accuracy"] = float64(n) / 10
		finish(t, s, tr, row.status, r)
		ids[n] = tr.ID
	}
	// A running trial has no result.
	ids[9] = mustStart(t, s, newTrial(st.ID, 9)).ID
	for n := range 3 {
		tr := mustStart(t, s, newTrial(ot.ID, n))
		r := fullResult(0.2+float64(n)/10, 2)
		r.Value = 1 - r.Value
		finish(t, s, tr, search.StatusComplete, r)
		ids[100+n] = tr.ID
	}
	return ids
}

func numbersOf(t *testing.T, es []tracker.Entry, ids map[int]int64) string {
	t.Helper()
	byID := map[int64]int{}
	for n, id := range ids {
		byID[id] = n
	}
	var out []string
	for _, e := range es {
		n, ok := byID[e.TrialID]
		if !ok {
			t.Fatalf("entry with unknown trial ID %d", e.TrialID)
		}
		out = append(out, fmt.Sprint(n))
	}
	return strings.Join(out, " ")
}

func testLeaderboard(t *testing.T, s Store) {
	ctx := context.Background()
	ids := leaderboardFixture(t, s)
	minimize, maximize := search.Minimize, search.Maximize
	cases := []struct {
		name string
		q    tracker.LeaderboardQuery
		want string // trial numbers in rank order
	}{
		{"default: objective, complete only", tracker.LeaderboardQuery{Study: "lb"}, "8 2 3 1 0 7 4"},
		{"limit", tracker.LeaderboardQuery{Study: "lb", Limit: 3}, "8 2 3"},
		{"minimize puts NaN last too", tracker.LeaderboardQuery{Study: "lb", Direction: &minimize}, "7 0 2 3 1 8 4"},
		{"val_loss minimizes by default", tracker.LeaderboardQuery{Study: "lb", Metric: "val_loss"}, "2 3 1 8 0 7 4"},
		{"val_loss maximized", tracker.LeaderboardQuery{Study: "lb", Metric: "val_loss", Direction: &maximize}, "7 0 8 1 2 3 4"},
		{"val_accuracy", tracker.LeaderboardQuery{Study: "lb", Metric: "val_accuracy", Limit: 2}, "8 7"},
		{"statuses", tracker.LeaderboardQuery{Study: "lb", Statuses: []search.Status{search.StatusPruned, search.StatusFailed}}, "5 6"},
		{"running has no value", tracker.LeaderboardQuery{Study: "lb", Statuses: []search.Status{search.StatusRunning}}, "9"},
		{"other study minimizes its objective", tracker.LeaderboardQuery{Study: "other"}, "102 101 100"},
		{"across studies by val_macro_f1", tracker.LeaderboardQuery{Metric: "val_macro_f1", Limit: 5}, "8 2 3 1 0"},
		{"across studies by test_loss", tracker.LeaderboardQuery{Metric: "test_loss", Limit: 4}, "8 2 3 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			es, err := s.Leaderboard(ctx, c.q)
			if err != nil {
				t.Fatalf("Leaderboard(%+v): %v", c.q, err)
			}
			if got := numbersOf(t, es, ids); got != c.want {
				t.Errorf("Leaderboard(%+v) ranks %q, want %q", c.q, got, c.want)
			}
		})
	}
	es, err := s.Leaderboard(ctx, tracker.LeaderboardQuery{Study: "lb", Limit: 1})
	if err != nil || len(es) != 1 {
		t.Fatalf("Leaderboard: %v, %v", es, err)
	}
	e := es[0]
	if e.TrialID != ids[8] || e.Study != "lb" || e.Number != 8 || e.Status != search.StatusComplete || !math.IsInf(e.Value, 1) ||
		!math.IsInf(e.Objective, 1) || e.Metrics["val_loss"] != 0.4 || e.Metrics["val_accuracy"] != 0.8 || e.Params["optimizer"].Str != "adam" {
		t.Errorf("top entry = %+v", e)
	}
}

func testLeaderboardFilters(t *testing.T, s Store) {
	ctx := context.Background()
	st := mustCreate(t, s, newStudy("filters"))
	ids := map[int]int64{}
	params := []search.Params{
		{"units": search.Int(64), "opt": search.String("adam"), "nesterov": search.Bool(true), "lr": search.Float(0.01)},
		{"units": search.Int(32), "opt": search.String("adam"), "nesterov": search.Bool(false), "lr": search.Float(0.1)},
		{"units": search.Int(64), "opt": search.String("sgd"), "nesterov": search.Bool(false), "lr": search.Float(64)},
		{"units": search.String("64"), "opt": search.String("true"), "nesterov": search.String("true"), "lr": search.Float(0.01)},
		// x, for the ranges [0.1, 2] and [1, 1]: at both ends and inside,
		// as ints and floats, then just outside, then not numbers.
		{"x": search.Float(0.1)},
		{"x": search.Int(2)},
		{"x": search.Float(0.5)},
		{"x": search.Int(1)},
		{"x": search.Float(1)},
		{"x": search.Float(math.Nextafter(0.1, 0))},
		{"x": search.Float(math.Nextafter(2, 3))},
		{"x": search.Int(3)},
		{"x": search.Int(-1)},
		{"x": search.String("1")},
		{"x": search.Bool(true)},
		{"x": search.Float(2), "opt": search.String("sgd")},
	}
	for n, p := range params {
		tr := newTrial(st.ID, n)
		tr.Params = p
		tr = mustStart(t, s, tr)
		finish(t, s, tr, search.StatusComplete, fullResult(0.5+float64(n)/10, 2))
		ids[n] = tr.ID
	}
	cases := []struct {
		name  string
		where []tracker.ParamFilter
		want  string
	}{
		{"int", []tracker.ParamFilter{{Name: "units", Value: search.Int(64)}}, "2 0"},
		{"int matches float", []tracker.ParamFilter{{Name: "units", Value: search.Float(64)}}, "2 0"},
		{"float matches int", []tracker.ParamFilter{{Name: "lr", Value: search.Int(64)}}, "2"},
		{"string is not a number", []tracker.ParamFilter{{Name: "units", Value: search.String("64")}}, "3"},
		{"string", []tracker.ParamFilter{{Name: "opt", Value: search.String("adam")}}, "1 0"},
		{"bool", []tracker.ParamFilter{{Name: "nesterov", Value: search.Bool(true)}}, "0"},
		{"bool is not a string", []tracker.ParamFilter{{Name: "opt", Value: search.Bool(true)}}, ""},
		{"float", []tracker.ParamFilter{{Name: "lr", Value: search.Float(0.01)}}, "3 0"},
		{"all must hold", []tracker.ParamFilter{{Name: "units", Value: search.Int(64)}, {Name: "opt", Value: search.String("sgd")}}, "2"},
		{"unknown parameter", []tracker.ParamFilter{{Name: "nope", Value: search.Int(1)}}, ""},
		{"range", []tracker.ParamFilter{{Name: "x", Range: &tracker.NumberRange{Min: 0.1, Max: 2}}}, "15 8 7 6 5 4"},
		{"range of one number", []tracker.ParamFilter{{Name: "x", Range: &tracker.NumberRange{Min: 1, Max: 1}}}, "8 7"},
		{"range below zero", []tracker.ParamFilter{{Name: "x", Range: &tracker.NumberRange{Min: -1.5, Max: -0.5}}}, "12"},
		{"range and value", []tracker.ParamFilter{{Name: "x", Range: &tracker.NumberRange{Min: 0.1, Max: 2}}, {Name: "opt", Value: search.String("sgd")}}, "15"},
		{"range replaces value", []tracker.ParamFilter{{Name: "x", Value: search.String("1"), Range: &tracker.NumberRange{Min: 3, Max: 3}}}, "11"},
		{"range of a string parameter", []tracker.ParamFilter{{Name: "opt", Range: &tracker.NumberRange{Min: -1e300, Max: 1e300}}}, ""},
		{"range of ints and floats", []tracker.ParamFilter{{Name: "units", Range: &tracker.NumberRange{Min: 60, Max: 64}}, {Name: "lr", Range: &tracker.NumberRange{Min: 0, Max: 0.05}}}, "0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			es, err := s.Leaderboard(ctx, tracker.LeaderboardQuery{Study: "filters", Where: c.where})
			if err != nil {
				t.Fatal(err)
			}
			if got := numbersOf(t, es, ids); got != c.want {
				t.Errorf("where %v ranks %q, want %q", c.where, got, c.want)
			}
		})
	}
}

func testLeaderboardErrors(t *testing.T, s Store) {
	ctx := context.Background()
	mustCreate(t, s, newStudy("e"))
	bad := search.Direction(7)
	cases := []struct {
		name string
		q    tracker.LeaderboardQuery
		is   error
	}{
		{"unknown study", tracker.LeaderboardQuery{Study: "nope"}, search.ErrNotFound},
		{"unknown metric", tracker.LeaderboardQuery{Study: "e", Metric: "val_f2"}, nil},
		{"metric injection", tracker.LeaderboardQuery{Study: "e", Metric: "value; DROP TABLE trials; --"}, nil},
		{"metric column of another table", tracker.LeaderboardQuery{Metric: "name"}, nil},
		{"negative limit", tracker.LeaderboardQuery{Limit: -1}, nil},
		{"huge limit", tracker.LeaderboardQuery{Limit: 1 << 30}, nil},
		{"bad direction", tracker.LeaderboardQuery{Direction: &bad}, nil},
		{"empty statuses", tracker.LeaderboardQuery{Statuses: []search.Status{}}, nil},
		{"empty param name", tracker.LeaderboardQuery{Where: []tracker.ParamFilter{{Value: search.Int(1)}}}, nil},
		{"empty range", tracker.LeaderboardQuery{Where: []tracker.ParamFilter{{Name: "x", Range: &tracker.NumberRange{Min: 1, Max: 0}}}}, nil},
		{"NaN range", tracker.LeaderboardQuery{Where: []tracker.ParamFilter{{Name: "x", Range: &tracker.NumberRange{Min: math.NaN(), Max: 1}}}}, nil},
	}
	for _, c := range cases {
		_, err := s.Leaderboard(ctx, c.q)
		if err == nil || c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("%s: error = %v, want %v", c.name, err, c.is)
		}
	}
	if _, err := s.StudyByName(ctx, "e"); err != nil {
		t.Errorf("study gone after hostile queries: %v", err)
	}
}

func testHostileQueries(t *testing.T, s Store) {
	ctx := context.Background()
	for i, h := range hostile {
		mustCreate(t, s, newStudy(h))
		st, err := s.StudyByName(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		tr := newTrial(st.ID, 0)
		tr.Params = search.Params{h: search.String(h), "i": search.Int(int64(i))}
		tr = mustStart(t, s, tr)
		finish(t, s, tr, search.StatusComplete, fullResult(0.5, 2))
		es, err := s.Leaderboard(ctx, tracker.LeaderboardQuery{Study: h, Where: []tracker.ParamFilter{{Name: h, Value: search.String(h)}}})
		if err != nil {
			t.Fatalf("Leaderboard(study %q): %v", h, err)
		}
		if len(es) != 1 || es[0].TrialID != tr.ID || es[0].Study != h || es[0].Params[h].Str != h {
			t.Errorf("Leaderboard(study %q, %q=%q) = %+v", h, h, h, es)
		}
		var buf bytes.Buffer
		if err := s.Export(ctx, h, tracker.JSON, &buf); err != nil {
			t.Fatalf("Export(%q): %v", h, err)
		}
		var out struct {
			Study  struct{ Name string }
			Trials []struct{ Params map[string]any }
		}
		if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
			t.Fatalf("Export(%q) is not JSON: %v", h, err)
		}
		if out.Study.Name != h || len(out.Trials) != 1 || out.Trials[0].Params[h] != h {
			t.Errorf("Export(%q) = %s", h, buf.Bytes())
		}
		d, err := s.Trial(ctx, tr.ID)
		if err != nil || d.Study.Name != h || d.Trial.Params[h].Str != h {
			t.Errorf("Trial(%d) = %+v, %v", tr.ID, d.Study, err)
		}
	}
	sums, err := s.Studies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != len(hostile) {
		t.Errorf("Studies: %d studies, want %d", len(sums), len(hostile))
	}
}

func testStudies(t *testing.T, s Store) {
	ctx := context.Background()
	ids := leaderboardFixture(t, s)
	mustCreate(t, s, newStudy("empty"))
	sums, err := s.Studies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sum := range sums {
		got = append(got, fmt.Sprintf("%s trials=%d complete=%d pruned=%d failed=%d running=%d best=%v id=%d",
			sum.Study.Name, sum.Trials, sum.Counts[search.StatusComplete], sum.Counts[search.StatusPruned],
			sum.Counts[search.StatusFailed], sum.Counts[search.StatusRunning], sum.Best, sum.BestTrialID))
	}
	// lb: the best complete value ignores NaN, and the pruned 0.99 trial.
	want := []string{
		"empty trials=0 complete=0 pruned=0 failed=0 running=0 best=NaN id=0",
		fmt.Sprintf("lb trials=10 complete=7 pruned=1 failed=1 running=1 best=+Inf id=%d", ids[8]),
		fmt.Sprintf("other trials=3 complete=3 pruned=0 failed=0 running=0 best=%v id=%d", 1-(0.2+float64(2)/10), ids[102]),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Studies =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(sums) == 3 && (sums[1].Study.Seed != math.MaxUint64-7 || sums[1].Study.Objective != "val_macro_f1") {
		t.Errorf("Studies[1].Study = %s", describeStudy(sums[1].Study))
	}
}

func testExport(t *testing.T, s Store) {
	ctx := context.Background()
	ids := leaderboardFixture(t, s)
	var buf bytes.Buffer
	if err := s.Export(ctx, "lb", tracker.CSV, &buf); err != nil {
		t.Fatalf("Export csv: %v", err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("Export csv does not parse: %v", err)
	}
	if len(recs) != 11 {
		t.Fatalf("Export csv: %d records, want header + 10", len(recs))
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"trial_id", "number", "status", "value", "val_macro_f1", "val_loss", "train_seconds", "params.units", "params.optimizer"} {
		if _, ok := col[h]; !ok {
			t.Errorf("Export csv: no column %q in %v", h, recs[0])
		}
	}
	row4 := recs[5]
	if row4[col["trial_id"]] != fmt.Sprint(ids[4]) || row4[col["value"]] != "NaN" || row4[col["val_loss"]] != "NaN" || row4[col["params.optimizer"]] != "adam" {
		t.Errorf("Export csv row of trial 4 = %v", row4)
	}
	if recs[9][col["status"]] != "complete" || recs[10][col["status"]] != "running" || recs[10][col["value"]] != "" {
		t.Errorf("Export csv rows 8 and 9 = %v / %v", recs[9], recs[10])
	}
	if recs[9][col["value"]] != "+Inf" {
		t.Errorf("Export csv value of trial 8 = %q, want +Inf", recs[9][col["value"]])
	}
	buf.Reset()
	if err := s.Export(ctx, "lb", tracker.JSON, &buf); err != nil {
		t.Fatalf("Export json: %v", err)
	}
	var out struct {
		Study struct {
			Name string
			Seed uint64
		}
		Trials []struct {
			ID     int64
			Status string
			Value  *tracker.Float
			Values map[string]tracker.Float
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatalf("Export json does not parse: %v", err)
	}
	if out.Study.Name != "lb" || out.Study.Seed != math.MaxUint64-7 || len(out.Trials) != 10 {
		t.Fatalf("Export json: study %+v, %d trials", out.Study, len(out.Trials))
	}
	if v := out.Trials[4].Value; v == nil || !math.IsNaN(float64(*v)) || !math.IsNaN(float64(out.Trials[4].Values["val_loss"])) {
		t.Errorf("Export json trial 4 value = %v, values %v", v, out.Trials[4].Values)
	}
	if out.Trials[1].Value == nil || float64(*out.Trials[1].Value) != 0.9 || out.Trials[9].Value != nil {
		t.Errorf("Export json values of trials 1 and 9: %v, %v", out.Trials[1].Value, out.Trials[9].Value)
	}
	if err := s.Export(ctx, "nope", tracker.CSV, &buf); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("Export(unknown study) error = %v, want ErrNotFound", err)
	}
	if err := s.Export(ctx, "lb", "xml", &buf); err == nil {
		t.Error("Export(xml) gave no error")
	}
}
