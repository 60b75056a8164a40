package trainer

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/sweep-ml/sweep/trainer/data"
	"github.com/sweep-ml/sweep/trainer/internal/kernel"
)

// BenchmarkEpoch times one training epoch (shuffle, forward, backward, Adam;
// no validation pass, like the peers in /work/shared/peers) of the default
// architecture: one hidden layer of 128 ReLU units, dropout 0.2. Shapes:
// 48,000 × 784 dense rows of 10 Gaussian blobs (centres N(0, 1), noise
// N(0, 3²), as the peers generate them) and a 2,332 × 5,000 CSR matrix with
// about 1.5 % non-zeros and 3 classes (the shape of spam.csv's training
// part). The l1l2 variant adds both penalties. Run it with a small
// -benchtime, e.g.
//
//	go test ./trainer -run '^$' -bench Epoch -benchtime 3x
//
// It reports s/epoch (wall clock, the same as ns/op), cpu-s/epoch (CPU time
// of the benchmark's thread, which other processes on a shared machine do not
// inflate) and allocs/op (allocations per epoch; 0 expected).
func BenchmarkEpoch(b *testing.B) {
	// Each shape is generated on first use, so that -bench can pick one.
	dense := sync.OnceValue(func() data.Set { return blobs(48000, 784, 10, 3, 1) })
	sparse := sync.OnceValue(func() data.Set { return sparseBlobs(2332, 5000, 3, 0.015, 2) })
	for _, c := range []struct {
		name      string
		set       func() data.Set
		classes   int
		batch     int
		precision string
		l1, l2    float64
	}{
		{"dense/batch32/float32", dense, 10, 32, PrecisionFloat32, 0, 0},
		{"dense/batch32/float32/l1l2", dense, 10, 32, PrecisionFloat32, 1e-5, 1e-4},
		{"dense/batch128/float32", dense, 10, 128, PrecisionFloat32, 0, 0},
		{"dense/batch32/float64", dense, 10, 32, PrecisionFloat64, 0, 0},
		{"dense/batch128/float64", dense, 10, 128, PrecisionFloat64, 0, 0},
		{"sparse/batch32/float32", sparse, 3, 32, PrecisionFloat32, 0, 0},
		{"sparse/batch128/float32", sparse, 3, 128, PrecisionFloat32, 0, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			cfg := Config{Layers: []int{128}, Dropout: 0.2, BatchSize: c.batch, Precision: c.precision, L1: c.l1, L2: c.l2}.WithDefaults()
			if c.precision == PrecisionFloat64 {
				benchEpoch[float64](b, cfg, c.set(), c.classes)
			} else {
				benchEpoch[float32](b, cfg, c.set(), c.classes)
			}
		})
	}
}

func benchEpoch[T kernel.Float](b *testing.B, cfg Config, set data.Set, classes int) {
	tr := newTrainer[T](cfg, set, data.Set{}, classes, nil, 1)
	ctx := context.Background()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	runtime.GC() // finish collecting the generated data's garbage before timing
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, ok := threadCPU()
	for i := 0; b.Loop(); i++ {
		if _, _, err := tr.epoch(ctx, i+1); err != nil {
			b.Fatal(err)
		}
	}
	cpu1, ok1 := threadCPU()
	b.StopTimer() // ReportMetric allocates
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/epoch")
	if ok && ok1 {
		b.ReportMetric((cpu1-cpu0)/float64(b.N), "cpu-s/epoch")
	}
}

// BenchmarkSoftmaxLoss times the loss and gradient of one training batch: 32
// rows of 10 logits (the dense epoch benchmark's shape), then the loss alone
// over an evaluation chunk of 256 rows with the arg-max known, as evaluate
// calls it.
func BenchmarkSoftmaxLoss(b *testing.B) {
	b.Run("grad/float32", func(b *testing.B) { benchSoftmaxLoss[float32](b, 32, true) })
	b.Run("grad/float64", func(b *testing.B) { benchSoftmaxLoss[float64](b, 32, true) })
	b.Run("eval/float32", func(b *testing.B) { benchSoftmaxLoss[float32](b, evalRows, false) })
}

func benchSoftmaxLoss[T kernel.Float](b *testing.B, rows int, grad bool) {
	const k = 10
	set := blobs(rows, k, k, 1, 1)
	ws := newWork[T]([]int{1, k}, rows, false, true)
	logits := make([]T, rows*k)
	for i, v := range set.X.Dense {
		logits[i] = T(3 * v)
	}
	var arg []int
	if !grad {
		arg = make([]int, rows)
		for i := range arg {
			arg[i] = argmax(logits[i*k : i*k+k])
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		copy(ws.logits, logits)
		ws.softmaxLoss(k, set.Y, arg, nil, grad, float64(rows))
	}
}

// BenchmarkActivate times the forward activation of one training batch of
// the default architecture (32 rows of 128 units, inputs N(0, 1), so about
// half are negative) for every activation and precision.
func BenchmarkActivate(b *testing.B) {
	for _, act := range []actKind{actReLU, actTanh, actSigmoid, actELU} {
		b.Run(act.String()+"/float32", func(b *testing.B) { benchActivate[float32](b, act) })
		b.Run(act.String()+"/float64", func(b *testing.B) { benchActivate[float64](b, act) })
	}
}

func benchActivate[T kernel.Float](b *testing.B, act actKind) {
	const rows, units = 32, 128
	set := blobs(rows, units, 1, 1, 1)
	z0, z, bias := make([]T, rows*units), make([]T, rows*units), make([]T, units)
	for i, v := range set.X.Dense {
		z0[i] = T(v)
	}
	b.ReportAllocs()
	for b.Loop() {
		copy(z, z0)
		activate(act, z, bias)
	}
}
