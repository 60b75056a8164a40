package experiments

import (
	"context"
	"errors"
	"testing"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/trainer"
)

// TestObjectiveDiverged checks that a trial whose loss is not finite returns
// the trainer's *DivergedError, marked deterministic (the driver records it
// as failed and does not retry it at once), and a
// partial result without metrics. An L2 factor of 1e300 makes the penalty
// overflow to +Inf at the first batch.
func TestObjectiveDiverged(t *testing.T) {
	t.Parallel()
	src := []byte(`data: {path: data/wine.csv, scale: none}
model: {layers: [16], l2: 1.0e+300, epochs: 5}
`)
	s, err := Parse("diverge.yaml", ".", src)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := LoadData(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	obj := NewObjective(s, tab)
	res, err := obj.Run(context.Background(), search.NewRun(0, search.Params{}, 1))
	var de *trainer.DivergedError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want a *trainer.DivergedError", err)
	}
	if !errors.Is(err, search.ErrDeterministic) {
		t.Errorf("err = %v: a diverging trial must be marked deterministic, not retried at once", err)
	}
	if res == nil || res.StopReason != trainer.StopDiverged || res.Values != nil {
		t.Errorf("result = %+v, want stop reason diverged and no metrics", res)
	}
}
