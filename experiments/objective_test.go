package experiments

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
	"github.com/sweep-ml/sweep/tracker/memory"
	"github.com/sweep-ml/sweep/trainer/data"
)

func loadSpec(t *testing.T, path string) (*Spec, *Objective) {
	t.Helper()
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := LoadData(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return s, NewObjective(s, tab)
}

func TestObjectiveQuickstart(t *testing.T) {
	s, obj := loadSpec(t, "quickstart.yaml")
	space, err := s.SearchSpace()
	if err != nil {
		t.Fatal(err)
	}
	store := memory.New(nil)
	study := search.Study{Name: s.Name, Spec: s.Source, Objective: s.Search.Objective, Direction: s.Direction(), Seed: s.Seed}
	sum, err := search.Optimize(context.Background(), store, study, space, search.Random{}, obj.Run,
		search.Config{Parallel: 2, MaxTrials: 4})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Count(search.StatusComplete) != 4 || sum.Best == nil {
		t.Fatalf("summary: %+v", sum)
	}
	for _, tr := range sum.Trials {
		r := tr.Result
		if r.Value != r.Values["val_macro_f1"] || math.IsNaN(r.Value) || r.Values["test_accuracy"] <= 0 {
			t.Errorf("trial %d values %v", tr.Number, r.Values)
		}
		// Every metric has its column in the stores, and every column is
		// filled.
		if got, want := slices.Sorted(maps.Keys(r.Values)), slices.Sorted(slices.Values(tracker.MetricNames())); !slices.Equal(got, want) {
			t.Errorf("trial %d values %q, want tracker's metrics %q", tr.Number, got, want)
		}
		if len(r.Evaluations) != 2 || len(r.Evaluations[0].Classes) != 3 || len(r.History) != r.EpochsRun {
			t.Errorf("trial %d: evaluations %d, history %d, epochs %d", tr.Number, len(r.Evaluations), len(r.History), r.EpochsRun)
		}
	}
	t.Logf("best %.4f after %v", sum.Best.Result.Value, sum.Elapsed)
}

// fakeSource serves recorded trials by ID, as a store's Trial query does.
type fakeSource map[int64]tracker.TrialDetail

func (f fakeSource) Trial(_ context.Context, id int64) (tracker.TrialDetail, error) {
	d, ok := f[id]
	if !ok {
		return tracker.TrialDetail{}, search.ErrNotFound
	}
	return d, nil
}

// runStudy runs a small study of spec in memory and returns its study and
// trials as a store records them.
func runStudy(t *testing.T, path string, cfg search.Config) (search.Study, []search.Trial) {
	t.Helper()
	s, obj := loadSpec(t, path)
	space, err := s.SearchSpace()
	if err != nil {
		t.Fatal(err)
	}
	store := memory.New(nil)
	sum, err := search.Optimize(context.Background(), store, s.Study(obj.table), space, search.Random{}, obj.Run, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sum.Study, sum.Trials
}

func TestReproduce(t *testing.T) {
	t.Parallel()
	study, trials := runStudy(t, "quickstart.yaml", search.Config{Parallel: 2, MaxTrials: 3})
	src := fakeSource{}
	for _, tr := range trials {
		src[tr.ID] = tracker.TrialDetail{Study: study, Trial: tr}
	}
	id := trials[1].ID
	rep, err := Reproduce(context.Background(), src, id, ReproduceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Match() || rep.Result.Value != trials[1].Result.Value {
		t.Fatalf("diffs %v", rep.Diffs)
	}
	if len(rep.Warnings) != 0 {
		t.Errorf("warnings %v with the same build", rep.Warnings)
	}

	// A tampered record is reported field by field.
	bad := trials[1]
	r := *bad.Result
	r.Values = map[string]float64{}
	for k, v := range bad.Result.Values {
		r.Values[k] = v
	}
	r.Values["test_accuracy"] += 0.125
	r.History = append([]search.Epoch(nil), r.History...)
	r.History[2].ValLoss = 42
	r.Code.Revision = "0123abc"
	bad.Result = &r
	rep, err = ReproduceTrial(context.Background(), study, bad, ReproduceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"test_accuracy: recorded", "epoch 3 val_loss: recorded 42"}
	if rep.Match() || len(rep.Diffs) != len(want) {
		t.Fatalf("diffs = %q, want %d", rep.Diffs, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(rep.Diffs[i], w) {
			t.Errorf("diff %d = %q, want prefix %q", i, rep.Diffs[i], w)
		}
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "0123abc") {
		t.Errorf("warnings = %q, want one naming the recorded revision", rep.Warnings)
	}

	// Other data: an error naming both fingerprints.
	other := study
	other.DatasetFingerprint = "feedfacefeedface"
	_, err = ReproduceTrial(context.Background(), other, trials[1], ReproduceOptions{})
	if err == nil || !strings.Contains(err.Error(), "feedfacefeed") || !strings.Contains(err.Error(), study.DatasetFingerprint[:12]) {
		t.Errorf("fingerprint mismatch error = %v", err)
	}

	if _, err := Reproduce(context.Background(), src, 999, ReproduceOptions{}); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("unknown trial: %v", err)
	}
}

func TestPredict(t *testing.T) {
	t.Parallel()
	study, trials := runStudy(t, "quickstart.yaml", search.Config{Parallel: 1, MaxTrials: 1})
	rep, err := ReproduceTrial(context.Background(), study, trials[0], ReproduceOptions{})
	if err != nil || !rep.Match() {
		t.Fatalf("reproduce: %v %v", err, rep.Diffs)
	}
	var out strings.Builder
	sum, err := Predict(context.Background(), rep, "data/spam.csv.gz", &out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if sum.Rows != 3645 || !sum.Labelled || len(lines) != 3646 || lines[0] != "line,label,predicted,p_easy_ham,p_hard_ham,p_spam" {
		t.Fatalf("summary %+v, %d lines, header %q", sum, len(lines), lines[0])
	}
	// The whole file is mostly training rows of a model whose recorded
	// test accuracy is above 0.9; always predicting the largest class
	// (spam, 1,895 of 3,645) would score 0.52.
	if sum.Accuracy < 0.9 {
		t.Errorf("accuracy on the whole file %v", sum.Accuracy)
	}

	// A prediction file may carry columns the model never saw (an id):
	// only the pipeline's columns are read, so they are ignored.
	f, err := os.Open("data/spam.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var withID strings.Builder
	cw := csv.NewWriter(&withID)
	cw.Write(append([]string{"id"}, records[0]...))
	for i, rec := range records[1:4] {
		cw.Write(append([]string{fmt.Sprintf("row-%d", i)}, rec...))
	}
	cw.Flush()
	path := filepath.Join(t.TempDir(), "with-id.csv")
	if err := os.WriteFile(path, []byte(withID.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var idOut strings.Builder
	idSum, err := Predict(context.Background(), rep, path, &idOut)
	if err != nil {
		t.Fatalf("predict with an extra id column: %v", err)
	}
	idLines := strings.Split(strings.TrimSpace(idOut.String()), "\n")
	if idSum.Rows != 3 || len(idLines) != 4 {
		t.Fatalf("with id: summary %+v, output %q", idSum, idOut.String())
	}
	for i := 1; i <= 3; i++ {
		// The spam file's messages span one line each, as in with-id.csv.
		if want := lines[i][strings.Index(lines[i], ","):]; !strings.HasSuffix(idLines[i], want) {
			t.Errorf("with id, row %d = %q, want the same prediction as %q", i, idLines[i], lines[i])
		}
	}
}

func TestObjectiveConcurrentFitCache(t *testing.T) {
	t.Parallel()
	s, obj := loadSpec(t, "quickstart.yaml")
	// Two preprocessing configurations shared by eight concurrent trials:
	// two fits, and each trial's result equals a sequential run's.
	params := func(i int) search.Params {
		scale := []string{"standard", "minmax"}[i%2]
		return search.Params{"units": search.Int(8), "scale": search.String(scale), "learning_rate": search.Float(0.01),
			"dropout": search.Float(0), "l2": search.Float(0), "optimizer": search.String("adam")}
	}
	results := make([]*search.Result, 8)
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			r, err := obj.Run(context.Background(), search.NewRun(i, params(i), uint64(i%2)))
			results[i] = r
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if len(obj.fits) != 2 {
		t.Errorf("%d preprocessing fits cached, want 2", len(obj.fits))
	}
	fresh := NewObjective(s, obj.table)
	for i := range 2 {
		r, err := fresh.Run(context.Background(), search.NewRun(i, params(i), uint64(i)))
		if err != nil {
			t.Fatal(err)
		}
		for j := i; j < 8; j += 2 {
			if d := diffResults(r, results[j]); len(d) != 0 {
				t.Errorf("trial %d differs from a sequential run: %v", j, d)
			}
		}
	}
}

func TestObjectivePrunedReplay(t *testing.T) {
	t.Parallel()
	s, obj := loadSpec(t, "quickstart.yaml")
	run := search.NewRun(0, search.Params{"units": search.Int(8)}, 7)
	// Report asks to stop at epoch 5, as a pruner would.
	res, err := obj.train(context.Background(), run.Params, run.Seed, func(epoch int, _ float64) bool { return epoch == 5 }, 0)
	if !errors.Is(err, search.ErrPruned) || res.result.EpochsRun != 5 || res.result.StopReason != "pruned" {
		t.Fatalf("err %v, result %+v", err, res.result)
	}
	st := s.Study(obj.table)
	tr := search.Trial{ID: 1, Status: search.StatusPruned, Params: run.Params, Seed: run.Seed, Result: res.result}
	rep, err := ReproduceTrial(context.Background(), st, tr, ReproduceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Match() {
		t.Errorf("pruned trial replay differs: %v", rep.Diffs)
	}
}

// TestFitCacheCancelledFitter checks that a trial waiting for another
// trial's preprocessing fit does not inherit that trial's cancellation.
func TestFitCacheCancelledFitter(t *testing.T) {
	t.Parallel()
	s, obj := loadSpec(t, "quickstart.yaml")
	cfg := s.DataConfig()
	key, err := json.Marshal(func() data.Config { c := cfg; c.Sampling = data.Sampling{}; return c }())
	if err != nil {
		t.Fatal(err)
	}
	// A fit in progress by a trial that is about to be cancelled.
	e := &fitEntry{done: make(chan struct{})}
	obj.fits[string(key)] = e
	type out struct {
		f   *data.Fitted
		err error
	}
	got := make(chan out, 1)
	go func() {
		f, err := obj.fitted(context.Background(), cfg)
		got <- out{f, err}
	}()
	// The cancelled fitter drops its entry, then wakes the waiters.
	obj.mu.Lock()
	delete(obj.fits, string(key))
	obj.mu.Unlock()
	e.err = context.Canceled
	close(e.done)
	r := <-got
	if r.err != nil || r.f == nil || len(r.f.Classes) != 3 {
		t.Fatalf("waiter got %v, %v", r.f, r.err)
	}
}

// TestBaselineWithoutSpace runs a spec with no search space: its trials have
// empty params, differ only in their seeds, and reproduce.
func TestBaselineWithoutSpace(t *testing.T) {
	t.Parallel()
	study, trials := runStudy(t, "testdata/baseline.yaml", search.Config{Parallel: 2, MaxTrials: 3})
	seeds := map[uint64]bool{}
	for _, tr := range trials {
		if tr.Status != search.StatusComplete || len(tr.Params) != 0 {
			t.Errorf("trial %d: %s with params %v, want complete with none", tr.Number, tr.Status, tr.Params)
		}
		seeds[tr.Seed] = true
	}
	if len(trials) != 3 || len(seeds) != 3 {
		t.Fatalf("%d trials with %d distinct seeds, want 3 and 3", len(trials), len(seeds))
	}
	rep, err := ReproduceTrial(context.Background(), study, trials[2], ReproduceOptions{})
	if err != nil || !rep.Match() {
		t.Fatalf("reproduce: %v, diffs %v", err, rep.Diffs)
	}
}
