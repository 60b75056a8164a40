package trainer

import (
	"context"
	"flag"
	"math"
	"testing"
	"time"

	"github.com/sweep-ml/sweep/trainer/data"
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
// 0.2, Adam, batch 32, up to 100 epochs, early stopping on val_loss with
// patience 10) on stratified 80/20 splits made by trainer/data (validation:
// 20 % of the 80; its default preprocessing) in both precisions. The mean test
// macro-F1 over the splits must reach the bar and the two precisions must
// agree within 0.03 (one or two test rows).
//
// Iris is scored over ten splits: its test part has 30 rows, so one split
// moves by 0.03 a row, and with 24 validation rows early stopping ends between
// epoch 30 and 100; single splits range from 0.83 to 1.0. With four inputs,
// He initialisation (limit √(6/4)) gives first-layer weights Adam needs longer
// to move than Glorot's: after 100 epochs the training loss is 0.10-0.13,
// against 0.09 with Glorot and 0.08 for scikit-learn's MLPClassifier, so iris
// sits just above the bar (0.905).
func TestConvergence(t *testing.T) {
	cases := []struct {
		name   string
		path   string
		cfg    data.Config
		splits int
		minF1  float64
		slow   bool
	}{
		{"iris", "../experiments/data/iris.csv", data.Config{}, 10, 0.90, false},
		{"digits", "../experiments/data/digits.csv", data.Config{}, 1, 0.95, false},
		// TF-IDF rows in CSR form, 5,000 terms: the benchmark's sparse
		// shape. No bar was set for it; 0.90 is below what it reaches.
		{"spam", "../experiments/data/spam.csv.gz", data.Config{Text: data.TextOptions{MaxFeatures: 5000}}, 1, 0.90, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.slow && testing.Short() {
				t.Skip("slow (> 10 s); skipped with -short")
			}
			t.Parallel()
			var f32, f64 []float64
			for split := range c.splits {
				ds := loadSplit(t, c.path, uint64(42+split), c.cfg)
				a, _ := fitScore(t, ds, PrecisionFloat32, uint64(7+split))
				b, _ := fitScore(t, ds, PrecisionFloat64, uint64(7+split))
				f32, f64 = append(f32, a), append(f64, b)
			}
			m32, _ := meanSD(f32)
			m64, _ := meanSD(f64)
			t.Logf("%s: mean test macro-F1 over %d splits: float32 %.4f, float64 %.4f", c.name, c.splits, m32, m64)
			if m32 < c.minF1 || m64 < c.minF1 {
				t.Errorf("mean test macro-F1 float32 %.4f, float64 %.4f, want >= %.2f", m32, m64, c.minF1)
			}
			if math.Abs(m32-m64) > 0.03 {
				t.Errorf("float32 %.4f and float64 %.4f differ by more than 0.03", m32, m64)
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
			ds := loadSplit(t, "../experiments/data/digits.csv", split, data.Config{})
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

// meanSD returns the mean and the sample standard deviation (0 for one value).
func meanSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v / float64(len(x))
	}
	if len(x) < 2 {
		return mean, 0
	}
	for _, v := range x {
		sd += (v - mean) * (v - mean) / float64(len(x)-1)
	}
	return mean, math.Sqrt(sd)
}

// TestEveryRuleLearns runs one problem (digits, 20 epochs, no early stopping)
// through every optimizer and every activation, and requires each to reach
// 0.90 test accuracy: a broken update rule or derivative would not.
func TestEveryRuleLearns(t *testing.T) {
	t.Parallel()
	ds := loadSplit(t, "../experiments/data/digits.csv", 3, data.Config{})
	cases := []struct {
		name string
		edit func(*Config)
	}{
		{"sgd", func(c *Config) { c.Optimizer = OptimizerConfig{Name: OptimizerSGD, LearningRate: 0.05} }},
		{"sgd momentum", func(c *Config) { c.Optimizer = OptimizerConfig{Name: OptimizerSGD, Momentum: 0.9} }},
		{"sgd nesterov", func(c *Config) { c.Optimizer = OptimizerConfig{Name: OptimizerSGD, Momentum: 0.9, Nesterov: true} }},
		{"rmsprop", func(c *Config) { c.Optimizer = OptimizerConfig{Name: OptimizerRMSprop} }},
		{"adam", func(c *Config) {}},
		{"tanh", func(c *Config) { c.Activation = ActivationTanh }},
		{"sigmoid", func(c *Config) { c.Activation = ActivationSigmoid; c.Optimizer.LearningRate = 0.003 }},
		{"elu", func(c *Config) { c.Activation = ActivationELU }},
		{"two layers l1 l2", func(c *Config) { c.Layers = []int{64, 32}; c.L1, c.L2 = 1e-5, 1e-4 }},
		{"balanced weights float64", func(c *Config) { c.ClassWeight = ClassWeightBalanced; c.Precision = PrecisionFloat64 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg := DefaultConfig()
			cfg.Epochs = 20
			cfg.EarlyStopping.Monitor = MonitorNone
			c.edit(&cfg)
			m, _, err := Fit(context.Background(), cfg, ds.train, ds.val, ds.classes, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, pred, err := m.Evaluate(ds.test)
			if err != nil {
				t.Fatal(err)
			}
			acc := metrics.Accuracy(ds.test.Y, pred)
			t.Logf("%s: test accuracy %.4f", c.name, acc)
			if acc < 0.90 {
				t.Errorf("test accuracy %.4f after 20 epochs, want >= 0.90", acc)
			}
		})
	}
}
