package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/sweep-ml/sweep/search"
)

func testCreateStudy(t *testing.T, s search.Store) {
	ctx := context.Background()
	want := newStudy("iris-mlp")
	got := mustCreate(t, s, want)
	if got.ID <= 0 {
		t.Errorf("CreateStudy: ID = %d, want > 0", got.ID)
	}
	if got.CreatedAt.IsZero() {
		t.Error("CreateStudy: CreatedAt not set")
	}
	want.ID, want.CreatedAt = got.ID, got.CreatedAt
	if describeStudy(got) != describeStudy(want) {
		t.Errorf("CreateStudy returned\n%s\nwant\n%s", describeStudy(got), describeStudy(want))
	}
	read, err := s.StudyByName(ctx, "iris-mlp")
	if err != nil {
		t.Fatalf("StudyByName: %v", err)
	}
	if describeStudy(read) != describeStudy(want) {
		t.Errorf("StudyByName returned\n%s\nwant\n%s", describeStudy(read), describeStudy(want))
	}
	dup := newStudy("iris-mlp")
	dup.Seed = 1
	if _, err := s.CreateStudy(ctx, dup); !errors.Is(err, search.ErrStudyExists) {
		t.Errorf("CreateStudy(duplicate) error = %v, want ErrStudyExists", err)
	}
	if _, err := s.StudyByName(ctx, "no-such-study"); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("StudyByName(missing) error = %v, want ErrNotFound", err)
	}
	other := newStudy("wine")
	other.Direction, other.Objective, other.Seed, other.Spec = search.Minimize, "val_loss", 0, []byte{}
	o := mustCreate(t, s, other)
	if o.ID == got.ID {
		t.Errorf("two studies share ID %d", o.ID)
	}
	read, err = s.StudyByName(ctx, "wine")
	if err != nil {
		t.Fatalf("StudyByName(wine): %v", err)
	}
	if read.Direction != search.Minimize || read.Seed != 0 || read.Objective != "val_loss" || len(read.Spec) != 0 {
		t.Errorf("StudyByName(wine) = %s", describeStudy(read))
	}
}

func testStartTrial(t *testing.T, s search.Store) {
	ctx := context.Background()
	st := mustCreate(t, s, newStudy("start"))
	tr := newTrial(st.ID, 0)
	got := mustStart(t, s, tr)
	if got.ID <= 0 || got.Attempt != 1 || got.Status != search.StatusRunning {
		t.Errorf("StartTrial returned ID %d attempt %d status %s, want ID > 0, attempt 1, running", got.ID, got.Attempt, got.Status)
	}
	ts := trialsOf(t, s, st.ID)
	if len(ts) != 1 {
		t.Fatalf("Trials: %d trials, want 1", len(ts))
	}
	want := tr
	want.ID, want.Attempt, want.Status = got.ID, 1, search.StatusRunning
	if describe(ts[0], false) != describe(want, false) {
		t.Errorf("Trials()[0] =\n%s\nwant\n%s", describe(ts[0], false), describe(want, false))
	}
	// A running trial (its process died) starts again on the same row.
	restart := tr
	restart.StartedAt = tr.StartedAt.Add(time.Minute)
	again := mustStart(t, s, restart)
	if again.ID != got.ID || again.Attempt != 2 {
		t.Errorf("StartTrial(running again): ID %d attempt %d, want ID %d attempt 2", again.ID, again.Attempt, got.ID)
	}
	if _, err := s.StartTrial(ctx, newTrial(st.ID+1000, 0)); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("StartTrial(unknown study) error = %v, want ErrNotFound", err)
	}
	// Trials come ordered by number whatever the order they started in.
	for _, n := range []int{5, 2, 9} {
		mustStart(t, s, newTrial(st.ID, n))
	}
	ts = trialsOf(t, s, st.ID)
	var numbers []int
	for _, tr := range ts {
		numbers = append(numbers, tr.Number)
	}
	if fmt.Sprint(numbers) != "[0 2 5 9]" {
		t.Errorf("Trials numbers = %v, want [0 2 5 9]", numbers)
	}
}

func testGlobalIDs(t *testing.T, s search.Store) {
	a := mustCreate(t, s, newStudy("a"))
	b := mustCreate(t, s, newStudy("b"))
	seen := map[int64]bool{}
	for _, st := range []search.Study{a, b} {
		for n := range 3 {
			tr := mustStart(t, s, newTrial(st.ID, n))
			if seen[tr.ID] {
				t.Errorf("trial ID %d given twice", tr.ID)
			}
			seen[tr.ID] = true
		}
	}
	if len(trialsOf(t, s, a.ID)) != 3 || len(trialsOf(t, s, b.ID)) != 3 {
		t.Error("each study should have 3 trials")
	}
}

func testFinishTrial(t *testing.T, s search.Store) {
	ctx := context.Background()
	st := mustCreate(t, s, newStudy("finish"))
	tr := mustStart(t, s, newTrial(st.ID, 0))
	done := finish(t, s, tr, search.StatusComplete, fullResult(0.9, 4))
	ts := trialsOf(t, s, st.ID)
	if len(ts) != 1 {
		t.Fatalf("Trials: %d trials, want 1", len(ts))
	}
	if got, want := describe(ts[0], false), describe(done, false); got != want {
		t.Errorf("after FinishTrial, Trials()[0] =\n%s\nwant\n%s", got, want)
	}
	if _, err := s.StartTrial(ctx, newTrial(st.ID, 0)); !errors.Is(err, search.ErrTrialFinished) {
		t.Errorf("StartTrial(complete) error = %v, want ErrTrialFinished", err)
	}
	if err := s.FinishTrial(ctx, done); !errors.Is(err, search.ErrTrialFinished) {
		t.Errorf("FinishTrial(complete again) error = %v, want ErrTrialFinished", err)
	}
	// Pruned trials are finished too; a pruned trial keeps its partial result.
	p := mustStart(t, s, newTrial(st.ID, 1))
	pr := fullResult(0.4, 2)
	pr.StopReason = "pruned"
	finish(t, s, p, search.StatusPruned, pr)
	if _, err := s.StartTrial(ctx, newTrial(st.ID, 1)); !errors.Is(err, search.ErrTrialFinished) {
		t.Errorf("StartTrial(pruned) error = %v, want ErrTrialFinished", err)
	}
	// A trial without a result (interrupted before the objective returned).
	i := mustStart(t, s, newTrial(st.ID, 2))
	i.Error = "interrupted"
	intr := finish(t, s, i, search.StatusInterrupted, nil)
	ts = trialsOf(t, s, st.ID)
	if got, want := describe(ts[2], false), describe(intr, false); got != want {
		t.Errorf("interrupted trial =\n%s\nwant\n%s", got, want)
	}
}

func testRetry(t *testing.T, s search.Store) {
	st := mustCreate(t, s, newStudy("retry"))
	for _, status := range []search.Status{search.StatusFailed, search.StatusInterrupted} {
		n := int(status)
		first := mustStart(t, s, newTrial(st.ID, n))
		finish(t, s, first, status, fullResult(0.3, 3))
		second := mustStart(t, s, newTrial(st.ID, n))
		if second.ID != first.ID || second.Attempt != 2 {
			t.Errorf("%s trial restarted with ID %d attempt %d, want ID %d attempt 2", status, second.ID, second.Attempt, first.ID)
		}
		done := finish(t, s, second, search.StatusComplete, fullResult(0.8, 5))
		var got search.Trial
		for _, tr := range trialsOf(t, s, st.ID) {
			if tr.Number == n {
				got = tr
			}
		}
		if describe(got, false) != describe(done, false) {
			t.Errorf("after retry of a %s trial:\n%s\nwant\n%s", status, describe(got, false), describe(done, false))
		}
	}
}

func testFinishErrors(t *testing.T, s search.Store) {
	ctx := context.Background()
	st := mustCreate(t, s, newStudy("errors"))
	never := newTrial(st.ID, 7)
	never.Status = search.StatusComplete
	if err := s.FinishTrial(ctx, never); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("FinishTrial(never started) error = %v, want ErrNotFound", err)
	}
	tr := mustStart(t, s, newTrial(st.ID, 0))
	for _, bad := range []search.Status{search.StatusRunning, search.StatusQueued} {
		b := tr
		b.Status = bad
		if err := s.FinishTrial(ctx, b); err == nil {
			t.Errorf("FinishTrial(status %s) gave no error", bad)
		}
	}
	if ts := trialsOf(t, s, st.ID); ts[0].Status != search.StatusRunning {
		t.Errorf("after rejected FinishTrial, status = %s, want running", ts[0].Status)
	}
	if _, err := s.Trials(ctx, st.ID+1000); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("Trials(unknown study) error = %v, want ErrNotFound", err)
	}
}

func testNonFinite(t *testing.T, s search.Store) {
	st := mustCreate(t, s, newStudy("nonfinite"))
	values := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), math.SmallestNonzeroFloat64, math.MaxFloat64, 0.1 + 0.2}
	for i, v := range values {
		tr := mustStart(t, s, newTrial(st.ID, i))
		r := fullResult(0.5, 3)
		r.Value = v
		r.Values["val_loss"] = v
		r.Values["val_macro_f1"] = v
		r.Values["custom"] = v
		tr.Intermediate = []float64{v, math.NaN(), math.Inf(1), math.Inf(-1), 0.5}
		tr.Status, tr.Result, tr.FinishedAt = search.StatusFailed, r, tr.StartedAt
		if err := s.FinishTrial(context.Background(), tr); err != nil {
			t.Fatalf("FinishTrial(value %v): %v", v, err)
		}
	}
	ts := trialsOf(t, s, st.ID)
	for i, v := range values {
		r := ts[i].Result
		if r == nil {
			t.Errorf("value %v: result lost", v)
			continue
		}
		for name, got := range map[string]float64{"Value": r.Value, "val_loss": r.Values["val_loss"], "val_macro_f1": r.Values["val_macro_f1"], "custom": r.Values["custom"], "intermediate[0]": ts[i].Intermediate[0]} {
			if !sameFloat(got, v) { // -0 may read back as +0 (SQLite REAL); they compare equal
				t.Errorf("%s: stored %v, read back %v", name, v, got)
			}
		}
		if got := fmt.Sprint(ts[i].Intermediate[1:]); got != "[NaN +Inf -Inf 0.5]" {
			t.Errorf("intermediate = %s, want [NaN +Inf -Inf 0.5]", got)
		}
	}
}

func testHostile(t *testing.T, s search.Store) {
	ctx := context.Background()
	for i, h := range hostile {
		st := newStudy(h)
		st.Objective, st.DatasetFingerprint, st.Spec = h, h, []byte(h)
		created := mustCreate(t, s, st)
		read, err := s.StudyByName(ctx, h)
		if err != nil {
			t.Fatalf("StudyByName(%q): %v", h, err)
		}
		if read.Name != h || read.Objective != h || string(read.Spec) != h || read.DatasetFingerprint != h || read.ID != created.ID {
			t.Errorf("study %q read back as %s", h, describeStudy(read))
		}
		tr := newTrial(created.ID, i)
		tr.Params = search.Params{h: search.String(h), "units": search.Int(8)}
		tr.Host = h
		tr = mustStart(t, s, tr)
		r := fullResult(0.5, 2)
		r.StopReason, r.PipelineFingerprint = h, h
		r.Values[h] = 1.5
		r.Evaluations[0].Labels[1] = h
		r.Evaluations[0].Classes[1].Label = h
		r.Evaluations[0].Split = h
		tr.Error = h
		done := finish(t, s, tr, search.StatusComplete, r)
		ts := trialsOf(t, s, created.ID)
		if len(ts) != 1 || describe(ts[0], false) != describe(done, false) {
			t.Errorf("hostile %q: trial read back as\n%v\nwant\n%s", h, ts, describe(done, false))
		}
	}
	if _, err := s.StudyByName(ctx, "'; DROP TABLE trials; --"); err != nil {
		t.Errorf("study lost: %v", err)
	}
	// NUL: either refused with an error or stored exactly.
	st, err := s.CreateStudy(ctx, newStudy(nul))
	if err == nil {
		read, err := s.StudyByName(ctx, nul)
		if err != nil || read.Name != nul || read.ID != st.ID {
			t.Errorf("study with NUL stored but read back as %q, %v", read.Name, err)
		}
	}
}

func testConcurrent(t *testing.T, s search.Store) {
	ctx := context.Background()
	st := mustCreate(t, s, newStudy("concurrent"))
	const workers, each = 16, 6
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	ids := make(chan int64, workers*each)
	for w := range workers {
		wg.Go(func() {
			for k := range each {
				n := w*each + k
				tr, err := s.StartTrial(ctx, newTrial(st.ID, n))
				if err != nil {
					errs <- fmt.Errorf("start %d: %w", n, err)
					return
				}
				tr.Status, tr.Result, tr.FinishedAt = search.StatusComplete, fullResult(float64(n)/100, 10), tr.StartedAt
				if err := s.FinishTrial(ctx, tr); err != nil {
					errs <- fmt.Errorf("finish %d: %w", n, err)
					return
				}
				ids <- tr.ID
			}
		})
	}
	wg.Wait()
	close(errs)
	close(ids)
	for err := range errs {
		t.Error(err)
	}
	seen := map[int64]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("ID %d given twice", id)
		}
		seen[id] = true
	}
	ts := trialsOf(t, s, st.ID)
	if len(ts) != workers*each {
		t.Fatalf("%d trials recorded, want %d", len(ts), workers*each)
	}
	for i, tr := range ts {
		if tr.Number != i || tr.Status != search.StatusComplete || tr.Result == nil || tr.Result.Value != float64(i)/100 {
			t.Errorf("trial %d: %s", i, describe(tr, false))
		}
	}
}

// testStartTwice: a start repeated as it was (a retry whose first reply was
// lost after the commit) is the same attempt, and finishes as one.
func testStartTwice(t *testing.T, s search.Store) {
	st := mustCreate(t, s, newStudy("twice"))
	first := mustStart(t, s, newTrial(st.ID, 0))
	again := mustStart(t, s, newTrial(st.ID, 0))
	if again.ID != first.ID || first.Attempt != 1 || again.Attempt != 1 {
		t.Errorf("the same start twice: IDs %d, %d and attempts %d, %d; want one ID and attempt 1", first.ID, again.ID, first.Attempt, again.Attempt)
	}
	// Without a start time two starts cannot be told apart: each counts.
	untimed := newTrial(st.ID, 1)
	untimed.StartedAt = time.Time{}
	mustStart(t, s, untimed)
	if second := mustStart(t, s, untimed); second.Attempt != 2 {
		t.Errorf("two starts without a start time: attempt %d, want 2", second.Attempt)
	}
	done := finish(t, s, again, search.StatusComplete, fullResult(0.5, 2))
	if got := trialsOf(t, s, st.ID); len(got) != 2 || describe(got[0], false) != describe(done, false) {
		t.Errorf("after the same start twice:\n%v\nwant trial 0 as\n%s", got, describe(done, false))
	}
}

// testStaleAttempt: once another process restarted a trial (attempt 2), the
// first attempt can no longer finish it. Not part of the search.Store
// contract; the SQL stores guarantee it for the distributed mode.
func testStaleAttempt(t *testing.T, s search.Store) {
	ctx := context.Background()
	st := mustCreate(t, s, newStudy("stale"))
	first := mustStart(t, s, newTrial(st.ID, 0))
	again := newTrial(st.ID, 0)
	again.StartedAt = again.StartedAt.Add(time.Second)
	second := mustStart(t, s, again)
	stale := first
	stale.Status = search.StatusComplete
	if err := s.FinishTrial(ctx, stale); !errors.Is(err, search.ErrTrialFinished) {
		t.Errorf("FinishTrial(stale attempt 1 of 2) error = %v, want ErrTrialFinished", err)
	}
	finish(t, s, second, search.StatusComplete, fullResult(0.5, 2))
}
