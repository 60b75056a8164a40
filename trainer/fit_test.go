package trainer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/sweep-ml/sweep/trainer/data"
	"github.com/sweep-ml/sweep/trainer/internal/kernel"
)

// TestStopper feeds hand-made histories to the early-stopping rule.
func TestStopper(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		cfg      EarlyStoppingConfig
		values   []float64 // the monitored value per epoch
		improved []bool
		stopAt   int // epoch (from 1) at which it says stop; 0: never
	}{
		{"loss patience 2", EarlyStoppingConfig{Monitor: MonitorValLoss, Patience: 2},
			[]float64{1, 0.8, 0.9, 0.7, 0.75, 0.7}, []bool{true, true, false, true, false, false}, 6},
		{"loss patience 1", EarlyStoppingConfig{Monitor: MonitorValLoss, Patience: 1},
			[]float64{1, 0.8, 0.8}, []bool{true, true, false}, 3},
		// 0.96 + 0.05 is not < 1; 0.9 + 0.05 < 1 improves; 0.89 + 0.05 and
		// 0.88 + 0.05 are not < 0.9.
		{"loss min_delta", EarlyStoppingConfig{Monitor: MonitorValLoss, Patience: 2, MinDelta: 0.05},
			[]float64{1, 0.96, 0.9, 0.89, 0.88}, []bool{true, false, true, false, false}, 5},
		{"loss NaN never improves", EarlyStoppingConfig{Monitor: MonitorValLoss, Patience: 3},
			[]float64{math.NaN(), 2, math.NaN(), 1.5}, []bool{false, true, false, true}, 0},
		{"accuracy higher is better", EarlyStoppingConfig{Monitor: MonitorValAcc, Patience: 2},
			[]float64{0.5, 0.6, 0.6, 0.55}, []bool{true, true, false, false}, 4},
		// 0.62 − 0.05 is not > 0.6; 0.7 − 0.05 > 0.6.
		{"f1 min_delta", EarlyStoppingConfig{Monitor: MonitorValMacroF1, Patience: 3, MinDelta: 0.05},
			[]float64{0.6, 0.62, 0.7, 0.71, 0.72, 0.74}, []bool{true, false, true, false, false, false}, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newStopper(c.cfg)
			for i, v := range c.values {
				st := EpochStats{Epoch: i + 1, ValLoss: v, ValAcc: v, ValMacroF1: v}
				imp, stop := s.observe(st)
				if imp != c.improved[i] {
					t.Errorf("epoch %d: improved %v, want %v", i+1, imp, c.improved[i])
				}
				if stop != (i+1 == c.stopAt) {
					t.Errorf("epoch %d: stop %v, want stop at %d", i+1, stop, c.stopAt)
				}
			}
		})
	}
}

// noisy is a problem a 64-unit net overfits quickly: labels are random, so
// the validation loss rises after a few epochs.
func noisy() (train, val data.Set) {
	s := blobs(400, 20, 3, 1, 11)
	r := blobs(400, 20, 3, 1, 12) // independent labels for the same rows
	s.Y = r.Y
	return selectRows(s.X, s.Y, seq(0, 300)), selectRows(s.X, s.Y, seq(300, 400))
}

func seq(a, b int) []int {
	s := make([]int, 0, b-a)
	for i := a; i < b; i++ {
		s = append(s, i)
	}
	return s
}

// TestEarlyStoppingFit checks, for every monitor, that Fit stops patience
// epochs after the best epoch, that the best epoch is the one the history
// shows, and that the model holds the best (or, without restore, the last)
// epoch's weights: its validation loss equals that epoch's history row.
func TestEarlyStoppingFit(t *testing.T) {
	t.Parallel()
	train, val := noisy()
	no := false
	cases := []struct {
		name    string
		es      EarlyStoppingConfig
		restore bool
	}{
		{"val_loss", EarlyStoppingConfig{Monitor: MonitorValLoss, Patience: 3}, true},
		{"val_loss min_delta", EarlyStoppingConfig{Monitor: MonitorValLoss, Patience: 3, MinDelta: 0.01}, true},
		{"val_accuracy", EarlyStoppingConfig{Monitor: MonitorValAcc, Patience: 4}, true},
		{"val_macro_f1", EarlyStoppingConfig{Monitor: MonitorValMacroF1, Patience: 4}, true},
		{"no restore", EarlyStoppingConfig{Monitor: MonitorValLoss, Patience: 3, RestoreBest: &no}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg := Config{Layers: []int{64}, Epochs: 60, Optimizer: OptimizerConfig{LearningRate: 0.01}, EarlyStopping: c.es}
			m, res, err := Fit(context.Background(), cfg, train, val, 3, 5, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.StopReason != StopPatience {
				t.Fatalf("stopped by %s after %d epochs, want patience", res.StopReason, res.EpochsRun)
			}
			if res.EpochsRun != res.BestEpoch+c.es.Patience || len(res.History) != res.EpochsRun {
				t.Errorf("ran %d epochs (history %d), best %d, patience %d", res.EpochsRun, len(res.History), res.BestEpoch, c.es.Patience)
			}
			// The best epoch beats every earlier best by more than min_delta
			// and no later epoch does.
			s := newStopper(cfg.WithDefaults().EarlyStopping)
			wantBest := 0
			for _, st := range res.History {
				if imp, _ := s.observe(st); imp {
					wantBest = st.Epoch
				}
			}
			if res.BestEpoch != wantBest {
				t.Errorf("best epoch %d, history says %d", res.BestEpoch, wantBest)
			}
			loss, _, err := m.Evaluate(val)
			if err != nil {
				t.Fatal(err)
			}
			want := res.History[res.EpochsRun-1].ValLoss
			if c.restore {
				want = res.History[res.BestEpoch-1].ValLoss
			}
			if loss != want {
				t.Errorf("model val loss %v, want %v (restore %v)", loss, want, c.restore)
			}
		})
	}
}

// TestStopReasons covers max_epochs, monitor none, pruning and cancellation.
func TestStopReasons(t *testing.T) {
	t.Parallel()
	train, val := noisy()
	cfg := Config{Layers: []int{16}, Epochs: 4}
	ctx := context.Background()

	_, res, err := Fit(ctx, cfg, train, val, 3, 1, nil)
	if err != nil || res.StopReason != StopMaxEpochs || res.EpochsRun != 4 {
		t.Errorf("max epochs: %v, %+v", err, res)
	}

	// Best weights come back after max_epochs too.
	long := Config{Layers: []int{64}, Epochs: 15, Optimizer: OptimizerConfig{LearningRate: 0.01},
		EarlyStopping: EarlyStoppingConfig{Patience: 100}}
	m, res, err := Fit(ctx, long, train, val, 3, 5, nil)
	if err != nil || res.StopReason != StopMaxEpochs || res.BestEpoch >= 15 {
		t.Fatalf("max epochs with an early best: %v, %+v", err, res)
	}
	if loss, _, _ := m.Evaluate(val); loss != res.History[res.BestEpoch-1].ValLoss {
		t.Errorf("after max_epochs the model's val loss is %v, best epoch %d had %v", loss, res.BestEpoch, res.History[res.BestEpoch-1].ValLoss)
	}

	none := cfg
	none.EarlyStopping.Monitor = MonitorNone
	_, res, err = Fit(ctx, none, train, data.Set{X: data.Matrix{Cols: 20}}, 3, 1, nil)
	if err != nil || res.StopReason != StopMaxEpochs || res.BestEpoch != 4 || !math.IsNaN(res.History[0].ValLoss) {
		t.Errorf("monitor none without validation: %v, %+v", err, res)
	}

	var seen []int
	m, res, err = Fit(ctx, cfg, train, val, 3, 1, func(s EpochStats) bool {
		seen = append(seen, s.Epoch)
		return s.Epoch == 2
	})
	if err != nil || m == nil || res.StopReason != StopPruned || res.EpochsRun != 2 || len(seen) != 2 {
		t.Errorf("pruned: %v, %+v, callback saw %v", err, res, seen)
	}

	cctx, cancel := context.WithCancel(ctx)
	m, res, err = Fit(cctx, cfg, train, val, 3, 1, func(s EpochStats) bool {
		if s.Epoch == 2 {
			cancel()
		}
		return false
	})
	if !errors.Is(err, context.Canceled) || m == nil || res.StopReason != StopCancelled || res.EpochsRun != 2 {
		t.Errorf("cancelled after epoch 2: %v, model %v, %+v", err, m != nil, res)
	}

	m, res, err = Fit(cctx, cfg, train, val, 3, 1, nil)
	if !errors.Is(err, context.Canceled) || m != nil || res == nil || res.StopReason != StopCancelled || res.EpochsRun != 0 {
		t.Errorf("cancelled before start: %v, model %v, %+v", err, m != nil, res)
	}
}

// TestDiverged checks the typed error and the partial result.
func TestDiverged(t *testing.T) {
	t.Parallel()
	train, val := noisy()
	t.Run("huge inputs", func(t *testing.T) {
		t.Parallel()
		// Inputs of 3e38 pass the float32 range check, but their products
		// overflow to ±Inf in the first layer, so the first batch's loss is NaN.
		bad := selectRows(train.X, train.Y, seq(0, 300))
		for i := range bad.X.Dense {
			bad.X.Dense[i] = 3e38
		}
		m, res, err := Fit(context.Background(), Config{Layers: []int{8}}, bad, val, 3, 1, nil)
		var d *DivergedError
		if !errors.As(err, &d) || d.Epoch != 1 || d.Batch != 1 || d.What != "loss" {
			t.Fatalf("err = %v, want loss divergence at epoch 1 batch 1", err)
		}
		if m != nil || res == nil || res.StopReason != StopDiverged || res.EpochsRun != 0 {
			t.Errorf("model %v, result %+v", m != nil, res)
		}
	})
	t.Run("exploding learning rate", func(t *testing.T) {
		t.Parallel()
		cfg := Config{Layers: []int{32}, Epochs: 50, Optimizer: OptimizerConfig{Name: OptimizerSGD, LearningRate: 1e35}}
		var epochs int
		_, res, err := Fit(context.Background(), cfg, train, val, 3, 1, func(EpochStats) bool { epochs++; return false })
		var d *DivergedError
		if !errors.As(err, &d) || d.Batch < 1 || d.Epoch < 1 || !strings.Contains(err.Error(), "diverged") {
			t.Fatalf("err = %v, want *DivergedError", err)
		}
		if res == nil || res.StopReason != StopDiverged || res.EpochsRun != d.Epoch-1 || epochs != d.Epoch-1 {
			t.Errorf("result %+v, error at epoch %d", res, d.Epoch)
		}
	})
}

// TestFitInputErrors checks that bad inputs are errors naming the problem.
func TestFitInputErrors(t *testing.T) {
	t.Parallel()
	train, val := noisy()
	short := val
	short.Y = short.Y[:10]
	wide := blobs(10, 21, 3, 1, 1)
	badLabel := selectRows(train.X, train.Y, seq(0, 300))
	badLabel.Y[7] = 3
	csr := sparseBlobs(50, 20, 3, 0.2, 1)
	badCol := csr
	badCol.X.Indices = append([]int32{}, csr.X.Indices...)
	badCol.X.Indices[4] = 20
	badPtr := csr
	badPtr.X.Indptr = append([]int{}, csr.X.Indptr...)
	badPtr.X.Indptr[3], badPtr.X.Indptr[4] = badPtr.X.Indptr[4], badPtr.X.Indptr[3]-1
	nanVal := selectRows(val.X, val.Y, seq(0, 100))
	nanVal.X.Dense[2*20+5] = math.NaN()
	bigCSR := sparseBlobs(50, 20, 3, 0.2, 1)
	bigCSR.X.Values = append([]float64{}, bigCSR.X.Values...)
	bigCSR.X.Values[len(bigCSR.X.Values)-1] = 1e300
	infCSR := sparseBlobs(50, 20, 3, 0.2, 1)
	infCSR.X.Values[0] = math.Inf(-1)
	shortDense := val
	shortDense.X.Dense = shortDense.X.Dense[:len(shortDense.X.Dense)-1]
	cases := []struct {
		name       string
		cfg        Config
		train, val data.Set
		classes    int
		want       string
	}{
		{"binary loss, three classes", Config{Loss: LossBinary}, train, val, 3, "binary_crossentropy fits two classes, but the labels have 3"},
		{"class weights length", Config{ClassWeights: []float64{1, 2}}, train, val, 3, "class_weights: has 2 entries for 3 classes"},
		{"label out of range", Config{}, badLabel, val, 3, "train.y[7]: label 3 outside [0, 3)"},
		{"label count", Config{}, train, short, 3, "val.y: has 10 labels for 100 rows"},
		{"column count", Config{}, train, wide, 3, "val.x: has 21 columns, want 20"},
		{"no validation", Config{}, train, data.Set{}, 3, "val: no rows"},
		{"csr column", Config{}, badCol, val, 3, "train.x: column index 20 at position 4 outside [0, 20)"},
		{"csr indptr", Config{}, badPtr, val, 3, "train.x: indptr decreases at row"},
		{"dense length", Config{}, train, shortDense, 3, "val.x: dense data has 1999 values for 100×20"},
		{"nan", Config{}, train, nanVal, 3, "val.x: row 2, column 5: NaN is not a finite number"},
		{"float32 overflow", Config{}, bigCSR, val, 3, "train.x: row 49, column "},
		{"infinity", Config{Precision: PrecisionFloat64}, infCSR, val, 3, "train.x: row 0, column "},
		{"one class", Config{}, train, val, 1, "classes: need at least 2"},
		{"config", Config{Dropout: 3}, train, val, 3, "dropout: must be in [0, 1)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := Fit(context.Background(), c.cfg, c.train, c.val, c.classes, 1, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}
	// float64 takes the value float32 cannot hold.
	bigVal := sparseBlobs(20, 20, 3, 0.2, 2)
	var d *DivergedError
	if _, _, err := Fit(context.Background(), Config{Precision: PrecisionFloat64, Epochs: 1}, bigCSR, bigVal, 3, 1, nil); err != nil && !errors.As(err, &d) {
		t.Errorf("float64 with 1e300: %v", err)
	}
}

// TestClassWeights checks the balanced weights n/(k·count_c) and that binary
// cross-entropy on two classes gives the categorical loss.
func TestClassWeights(t *testing.T) {
	t.Parallel()
	// 6 rows, counts 3, 2, 1: n/(k·count) = 6/9, 6/6, 6/3.
	w, err := classWeights(Config{ClassWeight: ClassWeightBalanced}, []int{0, 0, 0, 1, 1, 2}, 3)
	if err != nil || w[0] != 6.0/9 || w[1] != 1 || w[2] != 2 {
		t.Errorf("balanced weights %v, %v", w, err)
	}
	if _, err := classWeights(Config{ClassWeight: ClassWeightBalanced}, []int{0, 0, 2}, 3); err == nil ||
		!strings.Contains(err.Error(), "class 1 has no rows") {
		t.Errorf("missing class: %v", err)
	}
	two := blobs(200, 5, 2, 1, 3)
	tr, va := selectRows(two.X, two.Y, seq(0, 150)), selectRows(two.X, two.Y, seq(150, 200))
	cfg := Config{Layers: []int{8}, Epochs: 3}
	_, a, err := Fit(context.Background(), cfg, tr, va, 2, 9, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Loss = LossBinary
	_, b, err := Fit(context.Background(), cfg, tr, va, 2, 9, nil)
	if err != nil {
		t.Fatal(err)
	}
	if stripSeconds(a.History)[2] != stripSeconds(b.History)[2] {
		t.Errorf("binary and categorical loss differ on two classes: %+v vs %+v", a.History[2], b.History[2])
	}
}

func stripSeconds(h []EpochStats) []EpochStats {
	out := append([]EpochStats{}, h...)
	for i := range out {
		out[i].Seconds = 0
	}
	return out
}

// fingerprint is a trained model's weights and history, Seconds aside.
type fingerprint struct {
	params  []float64
	history []EpochStats
}

func trainFingerprint(t *testing.T, cfg Config, train, val data.Set, classes int, seed uint64) fingerprint {
	t.Helper()
	m, res, err := Fit(context.Background(), cfg, train, val, classes, seed, nil)
	if err != nil {
		t.Error(err)
		return fingerprint{}
	}
	var p []float64
	if m.n32 != nil {
		for _, v := range m.n32.params {
			p = append(p, float64(v))
		}
	} else {
		p = append(p, m.n64.params...)
	}
	return fingerprint{params: p, history: stripSeconds(res.History)}
}

func sameFingerprint(a, b fingerprint) bool {
	if len(a.params) != len(b.params) || len(a.history) != len(b.history) || len(a.params) == 0 {
		return false
	}
	for i := range a.params {
		if math.Float64bits(a.params[i]) != math.Float64bits(b.params[i]) {
			return false
		}
	}
	for i := range a.history {
		x, y := a.history[i], b.history[i]
		if x.Epoch != y.Epoch || math.Float64bits(x.TrainLoss) != math.Float64bits(y.TrainLoss) ||
			x.TrainAcc != y.TrainAcc || math.Float64bits(x.ValLoss) != math.Float64bits(y.ValLoss) ||
			x.ValAcc != y.ValAcc || x.ValMacroF1 != y.ValMacroF1 {
			return false
		}
	}
	return true
}

// TestDeterminism trains the same trial twice in a row, then sixteen copies
// concurrently, at GOMAXPROCS 1 and 4, and requires bit-identical weights and
// history every time; another seed must differ. It changes GOMAXPROCS, so it
// does not run in parallel with other tests.
func TestDeterminism(t *testing.T) {
	dense := blobs(300, 12, 4, 2, 21)
	sparse := sparseBlobs(300, 200, 3, 0.05, 22)
	cases := []struct {
		name    string
		cfg     Config
		set     data.Set
		classes int
	}{
		{"dense float32 dropout", Config{Layers: []int{16, 8}, Dropout: 0.3, Epochs: 4, L2: 1e-3}, dense, 4},
		{"dense float64 rmsprop", Config{Layers: []int{16}, Dropout: 0.2, Epochs: 4, Precision: PrecisionFloat64,
			Optimizer: OptimizerConfig{Name: OptimizerRMSprop}}, dense, 4},
		{"sparse float32 sgd", Config{Layers: []int{16}, Dropout: 0.2, Epochs: 4, L1: 1e-4,
			Optimizer: OptimizerConfig{Name: OptimizerSGD, Momentum: 0.9, Nesterov: true}}, sparse, 3},
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			train := data.Set{X: c.set.X.SelectRows(seq(0, 240)), Y: c.set.Y[:240]}
			val := data.Set{X: c.set.X.SelectRows(seq(240, 300)), Y: c.set.Y[240:]}
			ref := trainFingerprint(t, c.cfg, train, val, c.classes, 77)
			if again := trainFingerprint(t, c.cfg, train, val, c.classes, 77); !sameFingerprint(ref, again) {
				t.Fatal("two runs in a row differ")
			}
			if other := trainFingerprint(t, c.cfg, train, val, c.classes, 78); sameFingerprint(ref, other) {
				t.Fatal("seeds 77 and 78 give the same model")
			}
			for _, procs := range []int{1, 4} {
				runtime.GOMAXPROCS(procs)
				const copies = 16 // the issue: "alone or beside fifteen others"
				got := make([]fingerprint, copies)
				var wg sync.WaitGroup
				for i := range got {
					wg.Go(func() {
						// Different neighbours: every other copy trains another seed first.
						if i%2 == 1 {
							trainFingerprint(t, c.cfg, train, val, c.classes, uint64(100+i))
						}
						got[i] = trainFingerprint(t, c.cfg, train, val, c.classes, 77)
					})
				}
				wg.Wait()
				for i, g := range got {
					if !sameFingerprint(ref, g) {
						t.Errorf("GOMAXPROCS %d: concurrent copy %d differs from the lone run", procs, i)
					}
				}
			}
		})
	}
}

// TestEpochAllocations checks that a training epoch (after the first) and a
// validation pass allocate nothing, on every path a trial can take: both
// precisions, dense and CSR input, every activation with and without
// dropout, and every optimizer (SGD plain, with momentum and Nesterov,
// RMSprop, Adam), with L1, L2 and class weights. It measures the process's
// allocations, so it and its subtests do not run in parallel.
func TestEpochAllocations(t *testing.T) {
	sets := []struct {
		name string
		set  data.Set
	}{{"dense", blobs(200, 10, 3, 1, 1)}, {"sparse", sparseBlobs(200, 100, 3, 0.05, 2)}}
	optimizers := []struct {
		name string
		opt  OptimizerConfig
	}{
		{"sgd", OptimizerConfig{Name: OptimizerSGD}},
		{"momentum", OptimizerConfig{Name: OptimizerSGD, Momentum: 0.9}},
		{"nesterov", OptimizerConfig{Name: OptimizerSGD, Momentum: 0.9, Nesterov: true}},
		{"rmsprop", OptimizerConfig{Name: OptimizerRMSprop}},
		{"adam", OptimizerConfig{Name: OptimizerAdam}},
	}
	for _, precision := range []string{PrecisionFloat32, PrecisionFloat64} {
		for _, s := range sets {
			for _, act := range []string{ActivationReLU, ActivationTanh, ActivationSigmoid, ActivationELU} {
				for _, dropout := range []float64{0, 0.2} {
					for _, o := range optimizers {
						name := fmt.Sprintf("%s/%s/%s/dropout%v/%s", precision, s.name, act, dropout, o.name)
						// 17 and 9 units: not a multiple of the vector
						// kernels' widths, so their Go tails run too.
						cfg := Config{Layers: []int{17, 9}, Activation: act, Dropout: dropout, L1: 1e-4, L2: 1e-4,
							Optimizer: o.opt, Precision: precision, ClassWeights: []float64{1, 2, 1}}.WithDefaults()
						t.Run(name, func(t *testing.T) {
							var allocs float64
							if precision == PrecisionFloat64 {
								allocs = epochAllocs[float64](t, cfg, s.set)
							} else {
								allocs = epochAllocs[float32](t, cfg, s.set)
							}
							if allocs != 0 {
								t.Errorf("%v allocations per epoch, want 0", allocs)
							}
						})
					}
				}
			}
		}
	}
}

// epochAllocs returns the mean allocations of a training epoch plus a
// validation pass, over three epochs after a first one.
func epochAllocs[T kernel.Float](t *testing.T, cfg Config, set data.Set) float64 {
	t.Helper()
	tr := newTrainer[T](cfg, set, set, 3, cfg.ClassWeights, 1)
	ctx := context.Background()
	epoch := 1
	return testing.AllocsPerRun(3, func() {
		if _, _, err := tr.epoch(ctx, epoch); err != nil {
			t.Fatal(err)
		}
		tr.validate()
		epoch++
	})
}
