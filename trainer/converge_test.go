package trainer

import (
	"context"
	"testing"

	"github.com/sweep-ml/sweep/trainer/metrics"
)

// TestConvergence trains the default model (one hidden layer of 128, dropout
// 0.2, Adam, batch 32, early stopping on val_loss with patience 10) on a
// stratified 80/20 split (validation: 20 % of the 80) and scores the held-out
// test part.
func TestConvergence(t *testing.T) {
	cases := []struct {
		name    string
		path    string
		minF1   float64
		precise string
	}{
		{"iris float32", "../experiments/data/iris.csv", 0.90, PrecisionFloat32},
		{"iris float64", "../experiments/data/iris.csv", 0.90, PrecisionFloat64},
		{"digits float32", "../experiments/data/digits.csv", 0.95, PrecisionFloat32},
		{"digits float64", "../experiments/data/digits.csv", 0.95, PrecisionFloat64},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ds := loadSplit(t, c.path, 42)
			cfg := DefaultConfig()
			cfg.Precision = c.precise
			m, res, err := Fit(context.Background(), cfg, ds.train, ds.val, ds.classes, 7, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, pred, err := m.Evaluate(ds.test)
			if err != nil {
				t.Fatal(err)
			}
			f1 := metrics.MacroF1(ds.test.Y, pred, ds.classes)
			t.Logf("%s: test macro-F1 %.4f, best epoch %d of %d (%s), val loss %.4f",
				c.name, f1, res.BestEpoch, res.EpochsRun, res.StopReason, res.History[res.BestEpoch-1].ValLoss)
			if f1 < c.minF1 {
				t.Errorf("test macro-F1 %.4f, want >= %.2f", f1, c.minF1)
			}
		})
	}
}
