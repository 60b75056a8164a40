package search_test

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker/memory"
)

func emptyObjective(ctx context.Context, run *search.Run) (*search.Result, error) {
	return &search.Result{Value: 1}, nil
}

// BenchmarkDriverOverhead measures the driver's cost per trial: sampling,
// two store calls on the in-memory store, scheduling, bookkeeping, with an
// objective that does nothing. ns/op is per trial. The "floor" case runs the
// same empty objective in a bare errgroup loop, for comparison.
func BenchmarkDriverOverhead(b *testing.B) {
	for _, parallel := range []int{1, runtime.NumCPU()} {
		b.Run(fmt.Sprintf("driver/parallel=%d", parallel), func(b *testing.B) {
			store := memory.New(nil)
			cfg := search.Config{Parallel: parallel, MaxTrials: b.N, Host: "bench"}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			sum, err := search.Optimize(context.Background(), store, testStudy("bench"), mlpSpace(),
				search.Random{}, emptyObjective, cfg)
			b.StopTimer()
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/trial")
			if err != nil || sum.Count(search.StatusComplete) != b.N {
				b.Fatalf("err %v, %d complete of %d", err, sum.Count(search.StatusComplete), b.N)
			}
		})
		b.Run(fmt.Sprintf("floor/parallel=%d", parallel), func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			var g errgroup.Group
			g.SetLimit(parallel)
			for k := range b.N {
				g.Go(func() error {
					_, err := emptyObjective(context.Background(), search.NewRun(k, nil, uint64(k)))
					return err
				})
			}
			if err := g.Wait(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/trial")
		})
	}
}

// cpuTime returns the user and system CPU time of the process so far: on a
// shared, loaded machine the cost per trial in CPU time is steadier than in
// wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// spin is a CPU-bound objective of about n·4 ns that neither allocates nor
// touches shared memory.
func spin(n int) search.Objective {
	return func(ctx context.Context, run *search.Run) (*search.Result, error) {
		x := float64(run.Seed%1000) / 1000
		for range n {
			x = x*3.9*(1-x) + 1e-12 // logistic map, stays in (0, 1)
		}
		if math.IsNaN(x) {
			return nil, fmt.Errorf("NaN")
		}
		return &search.Result{Value: x}, nil
	}
}

// BenchmarkParallelEfficiency runs the same sweep of CPU-bound trials (about
// 1.3 ms each) with Parallel 1 and Parallel NumCPU, and reports the parallel
// efficiency T1 / (P · TP) in percent; "floor" runs the same trials in a bare
// errgroup loop, the best a driver can do on the machine at that moment.
//
// efficiency-% takes T1 and TP as the fastest of the b.N sweeps of each kind:
// on a machine shared with other work, the minimum is the run least disturbed
// by it (efficiency-mean-% uses the means, which include the disturbance).
// cpu-ratio (CPU time of the parallel sweeps over the serial ones) shows
// whether parallelism added work (spinning, contention), independent of load.
func BenchmarkParallelEfficiency(b *testing.B) {
	p := runtime.NumCPU()
	trials := 16 * p
	obj := spin(500_000)
	sweep := func(b *testing.B, parallel int) {
		sum, err := search.Optimize(context.Background(), memory.New(nil), testStudy("eff"), mlpSpace(),
			search.Random{}, obj, search.Config{Parallel: parallel, MaxTrials: trials})
		if err != nil || sum.Count(search.StatusComplete) != trials {
			b.Fatalf("err %v, %d complete", err, sum.Count(search.StatusComplete))
		}
	}
	bare := func(b *testing.B, parallel int) {
		var g errgroup.Group
		g.SetLimit(parallel)
		for k := range trials {
			g.Go(func() error {
				_, err := obj(context.Background(), search.NewRun(k, nil, search.TrialSeed(7, k)))
				return err
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		run  func(*testing.B, int)
	}{{"driver", sweep}, {"floor", bare}} {
		b.Run(c.name, func(b *testing.B) {
			var t1, tp, c1, cp time.Duration
			min1, minp := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
			for b.Loop() {
				start, cpu0 := time.Now(), cpuTime()
				c.run(b, 1)
				mid, cpu1 := time.Now(), cpuTime()
				c.run(b, p)
				d1, dp := mid.Sub(start), time.Since(mid)
				t1, tp = t1+d1, tp+dp
				min1, minp = min(min1, d1), min(minp, dp)
				c1, cp = c1+cpu1-cpu0, cp+cpuTime()-cpu1
			}
			b.ReportMetric(float64(min1)/float64(trials), "ns/trial-serial")
			b.ReportMetric(float64(minp)/float64(trials), "ns/trial-parallel")
			b.ReportMetric(100*float64(min1)/(float64(p)*float64(minp)), "efficiency-%")
			b.ReportMetric(100*float64(t1)/(float64(p)*float64(tp)), "efficiency-mean-%")
			b.ReportMetric(float64(cp)/float64(c1), "cpu-ratio")
		})
	}
}
