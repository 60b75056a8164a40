package memory

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sweep-ml/sweep/search"
)

func TestStudies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := New(func() time.Time { return at })
	st, err := s.CreateStudy(ctx, search.Study{Name: "a", Spec: []byte("x: 1"), Seed: 9})
	if err != nil || st.ID != 1 || !st.CreatedAt.Equal(at) || st.Seed != 9 {
		t.Fatalf("CreateStudy = %+v, %v", st, err)
	}
	if _, err := s.CreateStudy(ctx, search.Study{Name: "a"}); !errors.Is(err, search.ErrStudyExists) {
		t.Errorf("second CreateStudy: %v, want ErrStudyExists", err)
	}
	if _, err := s.StudyByName(ctx, "b"); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("StudyByName(b): %v, want ErrNotFound", err)
	}
	got, err := s.StudyByName(ctx, "a")
	if err != nil || got.ID != 1 || string(got.Spec) != "x: 1" {
		t.Fatalf("StudyByName(a) = %+v, %v", got, err)
	}
	got.Spec[0] = 'y' // must not reach the store
	again, _ := s.StudyByName(ctx, "a")
	if string(again.Spec) != "x: 1" {
		t.Errorf("caller's change reached the store: %q", again.Spec)
	}
	if _, err := s.Trials(ctx, 2); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("Trials of unknown study: %v, want ErrNotFound", err)
	}
}

func TestTrialLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := New(nil)
	st, _ := s.CreateStudy(ctx, search.Study{Name: "a"})
	params := search.Params{"x": search.Int(1)}
	tr, err := s.StartTrial(ctx, search.Trial{StudyID: st.ID, Number: 3, Params: params, Seed: 5, Host: "h"})
	if err != nil || tr.ID != 1 || tr.Attempt != 1 || tr.Status != search.StatusRunning || tr.Host != "h" {
		t.Fatalf("StartTrial = %+v, %v", tr, err)
	}
	params["x"] = search.Int(2) // must not reach the store
	tr.Status, tr.Error, tr.Intermediate = search.StatusInterrupted, "interrupted: x", []float64{0.5}
	if err := s.FinishTrial(ctx, tr); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishTrial(ctx, tr); !errors.Is(err, search.ErrTrialFinished) {
		t.Errorf("FinishTrial of a finished trial: %v, want ErrTrialFinished", err)
	}
	// Restart: same row, next attempt, earlier attempt's data cleared.
	tr2, err := s.StartTrial(ctx, search.Trial{StudyID: st.ID, Number: 3, Params: search.Params{"x": search.Int(1)}, Seed: 5})
	if err != nil || tr2.ID != tr.ID || tr2.Attempt != 2 || tr2.Intermediate != nil || tr2.Error != "" {
		t.Fatalf("restart = %+v, %v", tr2, err)
	}
	tr2.Status = search.StatusComplete
	tr2.Result = &search.Result{Value: 0.9, Values: map[string]float64{"acc": 0.9},
		Evaluations: []search.Evaluation{{Split: "val", Confusion: [][]int{{1, 0}, {0, 1}}}}}
	tr2.ID = 0 // found by study and number
	if err := s.FinishTrial(ctx, tr2); err != nil {
		t.Fatal(err)
	}
	tr2.Result.Evaluations[0].Confusion[0][0] = 7 // must not reach the store
	if _, err := s.StartTrial(ctx, search.Trial{StudyID: st.ID, Number: 3}); !errors.Is(err, search.ErrTrialFinished) {
		t.Errorf("StartTrial of a complete trial: %v, want ErrTrialFinished", err)
	}
	trials, err := s.Trials(ctx, st.ID)
	if err != nil || len(trials) != 1 {
		t.Fatalf("Trials = %+v, %v", trials, err)
	}
	got := trials[0]
	if got.Status != search.StatusComplete || got.Params["x"] != search.Int(1) || got.Result.Value != 0.9 ||
		got.Result.Evaluations[0].Confusion[0][0] != 1 || got.Attempt != 2 {
		t.Errorf("stored trial = %+v, result %+v", got, got.Result)
	}
	if byID, err := s.Trial(ctx, tr.ID); err != nil || byID.Number != 3 {
		t.Errorf("Trial(%d) = %+v, %v", tr.ID, byID, err)
	}
	if err := s.FinishTrial(ctx, search.Trial{StudyID: st.ID, Number: 3, Status: search.StatusRunning}); err == nil {
		t.Error("FinishTrial with status running succeeded")
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := New(nil)
	const studies, trials = 4, 50
	var wg sync.WaitGroup
	for i := range studies {
		wg.Go(func() {
			st, err := s.CreateStudy(ctx, search.Study{Name: fmt.Sprint(i)})
			if err != nil {
				t.Error(err)
				return
			}
			var inner sync.WaitGroup
			for k := range trials {
				inner.Go(func() {
					tr, err := s.StartTrial(ctx, search.Trial{StudyID: st.ID, Number: k})
					if err != nil {
						t.Error(err)
						return
					}
					tr.Status = search.StatusComplete
					if err := s.FinishTrial(ctx, tr); err != nil {
						t.Error(err)
					}
					if _, err := s.Trials(ctx, st.ID); err != nil {
						t.Error(err)
					}
				})
			}
			inner.Wait()
		})
	}
	wg.Wait()
	ids := map[int64]bool{}
	all, _ := s.Studies(ctx)
	for _, st := range all {
		trs, _ := s.Trials(ctx, st.ID)
		if len(trs) != trials {
			t.Errorf("study %s: %d trials, want %d", st.Name, len(trs), trials)
		}
		for k, tr := range trs {
			if tr.Number != k || tr.Status != search.StatusComplete || ids[tr.ID] {
				t.Errorf("study %s trial %d: %+v", st.Name, k, tr)
			}
			ids[tr.ID] = true
		}
	}
	if len(ids) != studies*trials {
		t.Errorf("%d distinct trial IDs, want %d", len(ids), studies*trials)
	}
}
