package experiments

import (
	"context"
	"math"
	"testing"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker/memory"
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
		if len(r.Evaluations) != 2 || len(r.Evaluations[0].Classes) != 3 || len(r.History) != r.EpochsRun {
			t.Errorf("trial %d: evaluations %d, history %d, epochs %d", tr.Number, len(r.Evaluations), len(r.History), r.EpochsRun)
		}
	}
	t.Logf("best %.4f after %v", sum.Best.Result.Value, sum.Elapsed)
}
