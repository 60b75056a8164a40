package trainer

import (
	"context"
	"flag"
	"math"
	"testing"
	"time"

	"github.com/sweep-ml/sweep/trainer/metrics"
)

var precisionStudy = flag.Bool("precision-study", false,
	"run TestPrecisionStudy: digits over several seeds in float32 and float64 (slow)")

// fitScore trains the default model in the given precision on ds and returns
// the test macro-F1 and the training seconds per epoch.
func fitScore(t *testing.T, ds dataset, precision string, seed uint64) (f1, secPerEpoch float64) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Precision = precision
	start := time.Now()
	m, res, err := Fit(context.Background(), cfg, ds.train, ds.val, ds.classes, seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	secPerEpoch = time.Since(start).Seconds() / float64(res.EpochsRun)
	_, pred, err := m.Evaluate(ds.test)
	if err != nil {
		t.Fatal(err)
	}
	f1 = metrics.MacroF1(ds.test.Y, pred, ds.classes)
	t.Logf("%s seed %d: test macro-F1 %.4f, best epoch %d of %d (%s)", precision, seed, f1, res.BestEpoch, res.EpochsRun, res.StopReason)
	return f1, secPerEpoch
}

// TestConvergence trains the default model (one hidden layer of 128, dropout
// 0.2, Adam, batch 32, early stopping on val_loss with patience 10) on a
// stratified 80/20 split (validation: 20 % of the 80, standardized with the
// training statistics) in both precisions, requires the test macro-F1 to reach
// the bar, and the two precisions to agree within 0.03 (a few test rows).
func TestConvergence(t *testing.T) {
	cases := []struct {
		name  string
		path  string
		minF1 float64
	}{
		{"iris", "../experiments/data/iris.csv", 0.90},
		{"digits", "../experiments/data/digits.csv", 0.95},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ds := loadSplit(t, c.path, 42)
			f32, _ := fitScore(t, ds, PrecisionFloat32, 7)
			f64, _ := fitScore(t, ds, PrecisionFloat64, 7)
			if f32 < c.minF1 || f64 < c.minF1 {
				t.Errorf("test macro-F1 float32 %.4f, float64 %.4f, want >= %.2f", f32, f64, c.minF1)
			}
			if math.Abs(f32-f64) > 0.03 {
				t.Errorf("float32 %.4f and float64 %.4f differ by more than 0.03", f32, f64)
			}
		})
	}
}

// TestPrecisionStudy measures, over five seeds and two splits of digits, the
// test macro-F1 and seconds per epoch of the default model in float32 and
// float64; its figures are in BENCHMARKS.md. Run it with
//
//	go test ./trainer -run PrecisionStudy -precision-study -v
func TestPrecisionStudy(t *testing.T) {
	if !*precisionStudy {
		t.Skip("run with -precision-study")
	}
	for _, precision := range []string{PrecisionFloat32, PrecisionFloat64} {
		var f1s, secs []float64
		for split := uint64(1); split <= 2; split++ {
			ds := loadSplit(t, "../experiments/data/digits.csv", split)
			for seed := uint64(1); seed <= 5; seed++ {
				f1, s := fitScore(t, ds, precision, seed)
				f1s = append(f1s, f1)
				secs = append(secs, s)
			}
		}
		mf, sf := meanSD(f1s)
		ms, _ := meanSD(secs)
		t.Logf("%s: test macro-F1 %.4f ± %.4f over %d fits, %.4f s/epoch", precision, mf, sf, len(f1s), ms)
	}
}

func meanSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v / float64(len(x))
	}
	for _, v := range x {
		sd += (v - mean) * (v - mean) / float64(len(x)-1)
	}
	return mean, math.Sqrt(sd)
}
