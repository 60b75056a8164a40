package sweepcli

import (
	"context"
	"testing"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker/memory"
)

// countingStore counts the Trials calls that reach the store.
type countingStore struct {
	search.Store
	lists int
}

func (c *countingStore) Trials(ctx context.Context, studyID int64) ([]search.Trial, error) {
	c.lists++
	return c.Store.Trials(ctx, studyID)
}

// TestPrimedStoreResume checks that resuming through primedStore lists the
// study's trials from the store once (the count run prints) and still
// resumes: only the trials not yet recorded run.
func TestPrimedStoreResume(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mem := &countingStore{Store: memory.New(nil)}
	space, err := search.NewSpace(search.IntRange("units", 1, 100, 1))
	if err != nil {
		t.Fatal(err)
	}
	study := search.Study{Name: "s", Objective: "val_macro_f1", Direction: search.Maximize, Seed: 1}
	ran := 0
	obj := func(_ context.Context, r *search.Run) (*search.Result, error) {
		ran++
		v := float64(r.Params["units"].Int) / 100
		return &search.Result{Value: v, Values: map[string]float64{"val_macro_f1": v}}, nil
	}
	if _, err := search.Optimize(ctx, mem, study, space, search.Random{}, obj, search.Config{MaxTrials: 2}); err != nil {
		t.Fatal(err)
	}

	prev, err := mem.StudyByName(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	mem.lists, ran = 0, 0
	trials, err := mem.Trials(ctx, prev.ID)
	if err != nil || len(trials) != 2 {
		t.Fatalf("trials %d, %v", len(trials), err)
	}
	sum, err := search.Optimize(ctx, &primedStore{Store: mem, studyID: prev.ID, trials: trials}, study, space, search.Random{}, obj, search.Config{MaxTrials: 3})
	if err != nil {
		t.Fatal(err)
	}
	if mem.lists != 1 {
		t.Errorf("the store listed the trials %d times, want once", mem.lists)
	}
	if ran != 1 || len(sum.Trials) != 3 {
		t.Errorf("resume ran %d trials and recorded %d, want 1 and 3", ran, len(sum.Trials))
	}
}
