package search_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker/memory"
)

// gridSpace is one int parameter x = 0 … n-1, so trial k has x = k.
func gridSpace(n int) search.Space {
	return search.Space{Params: []search.Param{search.IntRange("x", 0, int64(n-1), 1)}}
}

// mlpSpace is a small space of the shape the MLP sweeps use.
func mlpSpace() search.Space {
	return search.Space{Params: []search.Param{
		search.IntRange("units", 16, 256, 16),
		search.Categorical("activation", search.String("relu"), search.String("tanh")),
		search.FloatRange("dropout", 0, 0.5),
		search.FloatRange("learning_rate", 1e-4, 1e-1).WithLog(),
		search.Categorical("sampling", search.String("none"), search.String("oversample"),
			search.String("undersample"), search.String("smote"), search.String("class_weight")),
		search.Fixed("epochs", search.Int(3)),
	}}
}

func testStudy(name string) search.Study {
	return search.Study{Name: name, Objective: "score", Direction: search.Maximize, Seed: 7}
}

// detObjective is a deterministic function of (params, seed) that reports
// three epochs and yields the processor a seed-dependent number of times, so
// that completion order varies with parallelism while results must not.
func detObjective(ctx context.Context, run *search.Run) (*search.Result, error) {
	rng := rand.New(rand.NewPCG(run.Seed, 1))
	base := 0.0
	for _, n := range run.Params.Names() {
		if f, ok := run.Params[n].AsFloat(); ok {
			base += f / 1000
		}
	}
	v := 0.0
	for e := 1; e <= 3; e++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		v = base + rng.Float64()
		run.Report(e, v)
		for range run.Seed % 40 {
			runtime.Gosched()
		}
	}
	return &search.Result{Value: v, Values: map[string]float64{"score": v}, EpochsRun: 3, BestEpoch: 3}, nil
}

// outcome is what must agree between runs that are meant to be equal.
type outcome struct {
	Number       int
	Params       string
	Seed         uint64
	Status       search.Status
	Value        string
	Intermediate string
	Error        string
}

func outcomes(trials []search.Trial) []outcome {
	out := make([]outcome, len(trials))
	for i, t := range trials {
		o := outcome{Number: t.Number, Params: t.Params.String(), Seed: t.Seed, Status: t.Status,
			Intermediate: fmt.Sprint(t.Intermediate), Error: t.Error}
		if t.Result != nil {
			o.Value = fmt.Sprint(t.Result.Value)
		}
		out[i] = o
	}
	return out
}

func mustOptimize(t *testing.T, ctx context.Context, store search.Store, st search.Study, space search.Space,
	sampler search.Sampler, obj search.Objective, cfg search.Config) search.Summary {
	t.Helper()
	sum, err := search.Optimize(ctx, store, st, space, sampler, obj, cfg)
	if err != nil {
		t.Fatalf("Optimize: %v", err)
	}
	return sum
}

// storedTrials reads the study's trials back from the store.
func storedTrials(t *testing.T, store *memory.Store, name string) []search.Trial {
	t.Helper()
	st, err := store.StudyByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	trials, err := store.Trials(context.Background(), st.ID)
	if err != nil {
		t.Fatal(err)
	}
	return trials
}

func TestConcurrencyNeverExceedsLimit(t *testing.T) {
	t.Parallel()
	for _, parallel := range []int{1, 3, 8} {
		t.Run(fmt.Sprint(parallel), func(t *testing.T) {
			t.Parallel()
			var cur, peak atomic.Int32
			full := make(chan struct{})
			var once sync.Once
			obj := func(ctx context.Context, run *search.Run) (*search.Result, error) {
				n := cur.Add(1)
				defer cur.Add(-1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				if int(n) == parallel {
					once.Do(func() { close(full) })
				}
				// The first trials wait until the limit is reached, so the
				// test also shows that it is reached.
				select {
				case <-full:
				case <-ctx.Done():
					return nil, ctx.Err()
				}
				return &search.Result{Value: float64(run.Number)}, nil
			}
			sum := mustOptimize(t, context.Background(), memory.New(nil), testStudy("limit"), gridSpace(40),
				search.Grid{}, obj, search.Config{Parallel: parallel})
			if got := peak.Load(); int(got) != parallel {
				t.Errorf("peak concurrency = %d, want %d", got, parallel)
			}
			if n := sum.Count(search.StatusComplete); n != 40 {
				t.Errorf("%d complete trials, want 40", n)
			}
		})
	}
}

func TestDeterministicAcrossParallelism(t *testing.T) {
	t.Parallel()
	run := func(parallel int) []outcome {
		store := memory.New(nil)
		sum := mustOptimize(t, context.Background(), store, testStudy("det"), mlpSpace(), search.Random{},
			detObjective, search.Config{Parallel: parallel, MaxTrials: 40})
		if sum.Count(search.StatusComplete) != 40 || sum.Reason != search.StopDone {
			t.Fatalf("parallel %d: %d complete, reason %s", parallel, sum.Count(search.StatusComplete), sum.Reason)
		}
		got := outcomes(sum.Trials)
		if stored := outcomes(storedTrials(t, store, "det")); !slices.Equal(got, stored) {
			t.Fatalf("parallel %d: summary and store disagree", parallel)
		}
		return got
	}
	want := run(1)
	seen := map[string]bool{}
	for _, o := range want {
		if seen[o.Params] {
			t.Errorf("duplicate configuration %s", o.Params)
		}
		seen[o.Params] = true
		if o.Seed != search.TrialSeed(7, o.Number) {
			t.Errorf("trial %d seed %d, want TrialSeed(7, %d)", o.Number, o.Seed, o.Number)
		}
	}
	for _, p := range []int{2, 8} {
		if got := run(p); !slices.Equal(got, want) {
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("parallel %d trial %d:\n got %+v\nwant %+v", p, i, got[i], want[i])
					break
				}
			}
		}
	}
}

func TestGridCompleteNoDuplicates(t *testing.T) {
	t.Parallel()
	space := search.Space{Params: []search.Param{
		search.Categorical("activation", search.String("relu"), search.String("tanh")),
		search.IntRange("units", 32, 128, 32),
		search.FloatRange("dropout", 0, 0.4).WithCount(3),
	}}
	sum := mustOptimize(t, context.Background(), memory.New(nil), testStudy("grid"), space, search.Grid{},
		detObjective, search.Config{Parallel: 4})
	if len(sum.Trials) != 24 {
		t.Fatalf("%d trials, want 2·4·3 = 24", len(sum.Trials))
	}
	seen := map[string]int{}
	for _, tr := range sum.Trials {
		if tr.Status != search.StatusComplete {
			t.Errorf("trial %d is %s", tr.Number, tr.Status)
		}
		if j, dup := seen[tr.Params.String()]; dup {
			t.Errorf("trial %d repeats trial %d (%s)", tr.Number, j, tr.Params)
		}
		seen[tr.Params.String()] = tr.Number
	}
	// MaxTrials beyond the grid is capped at the grid size.
	sum = mustOptimize(t, context.Background(), memory.New(nil), testStudy("grid"), space, search.Grid{},
		detObjective, search.Config{Parallel: 4, MaxTrials: 100})
	if len(sum.Trials) != 24 {
		t.Errorf("MaxTrials 100 over a grid of 24: %d trials", len(sum.Trials))
	}
}

// flakyObjective fails the first attempt of every trial whose number is 3
// mod 7 and every attempt of trial 5, around detObjective.
func flakyObjective(ctx context.Context, run *search.Run) (*search.Result, error) {
	if run.Number == 5 {
		return nil, fmt.Errorf("trial 5 always fails")
	}
	if run.Number%7 == 3 && run.Attempt == 1 {
		return nil, fmt.Errorf("transient failure")
	}
	return detObjective(ctx, run)
}

func TestResumeEqualsUninterrupted(t *testing.T) {
	t.Parallel()
	const trials = 30
	cfg := search.Config{Parallel: 4, MaxTrials: trials}
	want := outcomes(mustOptimize(t, context.Background(), memory.New(nil), testStudy("resume"), mlpSpace(),
		search.Random{}, flakyObjective, cfg).Trials)
	if want[5].Status != search.StatusFailed || want[3].Status != search.StatusComplete {
		t.Fatalf("reference run: trial 5 %s, trial 3 %s", want[5].Status, want[3].Status)
	}

	tests := []struct {
		name string
		// interrupt is called when trial 12 starts; trial 12 then waits
		// for its context to end.
		interrupt func(stop chan struct{}, cancel context.CancelFunc)
		grace     time.Duration
		wantErr   error
	}{
		{"soft stop, grace over", func(stop chan struct{}, _ context.CancelFunc) { close(stop) }, time.Nanosecond, nil},
		{"hard cancel", func(_ chan struct{}, cancel context.CancelFunc) { cancel() }, time.Hour, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := memory.New(nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stop := make(chan struct{})
			var once sync.Once
			obj := func(ctx context.Context, run *search.Run) (*search.Result, error) {
				if run.Number == 12 {
					once.Do(func() { tc.interrupt(stop, cancel) })
					<-ctx.Done()
					return nil, ctx.Err()
				}
				return flakyObjective(ctx, run)
			}
			first := cfg
			first.Stop, first.Grace = stop, tc.grace
			sum, err := search.Optimize(ctx, store, testStudy("resume"), mlpSpace(), search.Random{}, obj, first)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("first run: err = %v, want %v", err, tc.wantErr)
			}
			if got := sum.Count(search.StatusInterrupted); got < 1 {
				t.Fatalf("first run left %d interrupted trials", got)
			}
			if got := sum.Count(search.StatusComplete); got >= trials-1 {
				t.Fatalf("first run completed %d trials: the interruption came too late to test resume", got)
			}
			for _, tr := range sum.Trials {
				if tr.Status == search.StatusInterrupted && !strings.HasPrefix(tr.Error, "interrupted: ") {
					t.Errorf("trial %d interrupted with message %q", tr.Number, tr.Error)
				}
			}

			second := mustOptimize(t, context.Background(), store, testStudy("resume"), mlpSpace(), search.Random{},
				flakyObjective, cfg)
			if got := outcomes(second.Trials); !slices.Equal(got, want) {
				for i := range want {
					if i >= len(got) || got[i] != want[i] {
						t.Fatalf("resumed study differs at trial %d:\n got %+v\nwant %+v", i, got[min(i, len(got)-1)], want[i])
					}
				}
				t.Fatalf("resumed study has %d trials, want %d", len(got), len(want))
			}
			if got := outcomes(storedTrials(t, store, "resume")); !slices.Equal(got, want) {
				t.Fatal("stored trials differ from the uninterrupted run")
			}

			third := mustOptimize(t, context.Background(), store, testStudy("resume"), mlpSpace(), search.Random{},
				flakyObjective, cfg)
			if third.Started != 0 {
				t.Errorf("a third run of a finished study started %d trials", third.Started)
			}
		})
	}
}

func TestCancelledTrialNeverComplete(t *testing.T) {
	t.Parallel()
	store := memory.New(nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	obj := func(ctx context.Context, run *search.Run) (*search.Result, error) {
		if run.Number == 1 {
			cancel()
			<-ctx.Done()
			// Ignores the cancellation and claims success.
			return &search.Result{Value: 99}, nil
		}
		return &search.Result{Value: 1}, nil
	}
	sum, err := search.Optimize(ctx, store, testStudy("cancel"), gridSpace(5), search.Grid{}, obj,
		search.Config{Parallel: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if sum.Reason != search.StopCancelled {
		t.Errorf("reason %s, want cancelled", sum.Reason)
	}
	trials := storedTrials(t, store, "cancel")
	if len(trials) != 2 || trials[0].Status != search.StatusComplete || trials[1].Status != search.StatusInterrupted {
		t.Fatalf("stored trials = %+v, want [complete interrupted]", outcomes(trials))
	}
	if trials[1].Error != "interrupted: context canceled" {
		t.Errorf("interrupted trial message %q", trials[1].Error)
	}
}

// blockingObjective lets a test start trials, release them one by one, and
// see them end, all by channel.
type blockingObjective struct {
	started chan int // receives each trial number as it starts
	release map[int]chan struct{}
}

func newBlocking(n int) *blockingObjective {
	b := &blockingObjective{started: make(chan int, n), release: map[int]chan struct{}{}}
	for k := range n {
		b.release[k] = make(chan struct{})
	}
	return b
}

func (b *blockingObjective) objective(ctx context.Context, run *search.Run) (*search.Result, error) {
	b.started <- run.Number
	select {
	case <-b.release[run.Number]:
		return &search.Result{Value: float64(run.Number)}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func TestTwoSignals(t *testing.T) {
	t.Parallel()
	type result struct {
		sum search.Summary
		err error
	}
	start := func(ctx context.Context, b *blockingObjective, store *memory.Store, stop chan struct{}, grace time.Duration) chan result {
		done := make(chan result, 1)
		go func() {
			sum, err := search.Optimize(ctx, store, testStudy("signals"), gridSpace(10), search.Grid{}, b.objective,
				search.Config{Parallel: 2, Stop: stop, Grace: grace})
			done <- result{sum, err}
		}()
		// Trials 0 and 1 are running.
		if a, c := <-b.started, <-b.started; a+c != 1 {
			t.Errorf("first trials %d and %d, want 0 and 1", a, c)
		}
		return done
	}

	t.Run("first stops scheduling, grace ends running trials", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b, store, stop := newBlocking(10), memory.New(nil), make(chan struct{})
			done := start(context.Background(), b, store, stop, 30*time.Second)
			t0 := time.Now()
			close(stop)
			synctest.Wait()
			close(b.release[0]) // finishes within the grace period
			synctest.Wait()
			select {
			case n := <-b.started:
				t.Fatalf("trial %d started after the stop", n)
			default:
			}
			r := <-done // trial 1 is cancelled when the grace period ends
			if r.err != nil {
				t.Fatal(r.err)
			}
			if d := time.Since(t0); d != 30*time.Second {
				t.Errorf("stopped after %v, want the 30s grace period", d)
			}
			got := outcomes(r.sum.Trials)
			if len(got) != 2 || got[0].Status != search.StatusComplete || got[1].Status != search.StatusInterrupted ||
				got[1].Error != "interrupted: grace period after stop ended" {
				t.Fatalf("trials = %+v", got)
			}
			if r.sum.Reason != search.StopSignal || r.sum.Started != 2 {
				t.Errorf("reason %s, started %d; want stopped, 2", r.sum.Reason, r.sum.Started)
			}
		})
	})

	t.Run("second cancels running trials at once", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b, store, stop := newBlocking(10), memory.New(nil), make(chan struct{})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := start(ctx, b, store, stop, time.Hour)
			t0 := time.Now()
			close(stop)
			synctest.Wait()
			time.Sleep(5 * time.Second) // a while later, the second Ctrl-C
			cancel()
			r := <-done
			if !errors.Is(r.err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", r.err)
			}
			if d := time.Since(t0); d != 5*time.Second {
				t.Errorf("returned %v after the first signal, want 5s", d)
			}
			if r.sum.Count(search.StatusInterrupted) != 2 || r.sum.Count(search.StatusComplete) != 0 {
				t.Errorf("trials = %+v, want two interrupted", outcomes(r.sum.Trials))
			}
			if r.sum.Reason != search.StopCancelled {
				t.Errorf("reason %s, want cancelled", r.sum.Reason)
			}
		})
	})

	t.Run("negative grace waits for running trials", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b, store, stop := newBlocking(10), memory.New(nil), make(chan struct{})
			done := start(context.Background(), b, store, stop, -1)
			close(stop)
			time.Sleep(24 * time.Hour)
			close(b.release[0])
			close(b.release[1])
			r := <-done
			if r.err != nil || r.sum.Count(search.StatusComplete) != 2 || len(r.sum.Trials) != 2 {
				t.Fatalf("err %v, trials %+v; want two complete", r.err, outcomes(r.sum.Trials))
			}
		})
	})
}

func TestReportAfterReturnIsDetached(t *testing.T) {
	t.Parallel()
	store := memory.New(nil)
	after, reported := make(chan struct{}), make(chan bool)
	obj := func(ctx context.Context, run *search.Run) (*search.Result, error) {
		run.Report(1, 0.5)
		go func() { // leaked: reports after the trial ended
			<-after
			reported <- run.Report(1, 99)
		}()
		return &search.Result{Value: 0.5}, nil
	}
	sum := mustOptimize(t, context.Background(), store, testStudy("leak"), gridSpace(1), search.Grid{}, obj,
		search.Config{Parallel: 1, Pruner: search.MedianPruner{}})
	close(after)
	if prune := <-reported; prune {
		t.Error("a detached Run was told to prune")
	}
	if got := storedTrials(t, store, "leak")[0].Intermediate; !slices.Equal(got, []float64{0.5}) {
		t.Errorf("stored intermediate %v, want [0.5]", got)
	}
	if got := sum.Trials[0].Intermediate; !slices.Equal(got, []float64{0.5}) {
		t.Errorf("summary intermediate %v, want [0.5]", got)
	}
}

func TestPanickingObjective(t *testing.T) {
	t.Parallel()
	obj := func(ctx context.Context, run *search.Run) (*search.Result, error) {
		if run.Number == 2 {
			var m map[string]int
			//lint:ignore SA5000 a genuine runtime panic is the point
			m["boom"]++
		}
		return &search.Result{Value: 1}, nil
	}
	sum := mustOptimize(t, context.Background(), memory.New(nil), testStudy("panic"), gridSpace(6), search.Grid{},
		obj, search.Config{Parallel: 3})
	if sum.Count(search.StatusComplete) != 5 {
		t.Errorf("%d complete trials, want 5 (the sweep goes on)", sum.Count(search.StatusComplete))
	}
	tr := sum.Trials[2]
	if tr.Status != search.StatusFailed || tr.Attempt != 2 {
		t.Fatalf("trial 2: %s after %d attempts, want failed after 2 (one retry)", tr.Status, tr.Attempt)
	}
	if !strings.HasPrefix(tr.Error, "panic: assignment to entry in nil map\n") {
		t.Errorf("error does not start with the panic message: %q", tr.Error)
	}
	if !strings.Contains(tr.Error, "TestPanickingObjective") || !strings.Contains(tr.Error, "driver_test.go:") {
		t.Errorf("error lacks a stack excerpt naming the panicking function:\n%s", tr.Error)
	}
	if strings.Contains(tr.Error, "runtime/debug.Stack") {
		t.Errorf("stack excerpt starts inside the recovery:\n%s", tr.Error)
	}
}

func TestRetryEvents(t *testing.T) {
	t.Parallel()
	var finished []string
	obj := func(ctx context.Context, run *search.Run) (*search.Result, error) {
		if run.Number == 1 && run.Attempt < 3 {
			return nil, errors.New("flaky")
		}
		return &search.Result{Value: 1}, nil
	}
	mustOptimize(t, context.Background(), memory.New(nil), testStudy("retry-events"), gridSpace(2), search.Grid{}, obj,
		search.Config{Parallel: 1, MaxRetries: 2, OnEvent: func(ev search.Event) {
			if ev.Kind == search.EventTrialFinished {
				finished = append(finished, fmt.Sprintf("%d/%d %s retrying=%v", ev.Trial.Number, ev.Trial.Attempt, ev.Trial.Status, ev.Retrying))
			}
		}})
	want := []string{"0/1 complete retrying=false", "1/1 failed retrying=true", "1/2 failed retrying=true", "1/3 complete retrying=false"}
	if !slices.Equal(finished, want) {
		t.Errorf("finish events %q, want %q", finished, want)
	}
}

func TestFailedTrialsRetried(t *testing.T) {
	t.Parallel()
	obj := func(ctx context.Context, run *search.Run) (*search.Result, error) {
		switch run.Number {
		case 1:
			return nil, fmt.Errorf("diverged at epoch 3")
		case 2:
			return nil, nil
		case 3:
			return &search.Result{Value: math.NaN()}, nil
		}
		return &search.Result{Value: 1}, nil
	}
	tests := []struct {
		retries  int
		attempts int
	}{{-1, 1}, {0, 2}, {2, 3}}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.retries), func(t *testing.T) {
			t.Parallel()
			store := memory.New(nil)
			sum := mustOptimize(t, context.Background(), store, testStudy("retry"), gridSpace(4), search.Grid{},
				obj, search.Config{Parallel: 2, MaxRetries: tc.retries})
			want := map[int]string{1: "diverged at epoch 3", 2: "objective returned neither a result nor an error",
				3: "objective value is NaN"}
			for k, msg := range want {
				tr := sum.Trials[k]
				if tr.Status != search.StatusFailed || tr.Attempt != tc.attempts || tr.Error != msg {
					t.Errorf("trial %d: %s, attempt %d, %q; want failed, %d, %q", k, tr.Status, tr.Attempt, tr.Error, tc.attempts, msg)
				}
			}
			// A later run with a higher limit retries them again.
			sum = mustOptimize(t, context.Background(), store, testStudy("retry"), gridSpace(4), search.Grid{},
				obj, search.Config{Parallel: 2, MaxRetries: tc.attempts})
			if sum.Started != 3 || sum.Trials[1].Attempt != tc.attempts+1 {
				t.Errorf("resume with more retries: started %d, trial 1 attempt %d; want 3, %d",
					sum.Started, sum.Trials[1].Attempt, tc.attempts+1)
			}
		})
	}
}

func TestDeterministicFailureNotRetriedAtOnce(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	obj := func(ctx context.Context, run *search.Run) (*search.Result, error) {
		if run.Number == 1 {
			calls.Add(1)
			return nil, search.Deterministic(fmt.Errorf("loss is NaN at epoch 4"))
		}
		return &search.Result{Value: 1}, nil
	}
	store := memory.New(nil)
	sum := mustOptimize(t, context.Background(), store, testStudy("det"), gridSpace(3), search.Grid{},
		obj, search.Config{Parallel: 2, MaxRetries: 2})
	if tr := sum.Trials[1]; tr.Status != search.StatusFailed || tr.Attempt != 1 || tr.Error != "loss is NaN at epoch 4" || calls.Load() != 1 {
		t.Errorf("trial 1: %s, attempt %d, %q after %d calls; want failed, attempt 1, the message, 1 call", tr.Status, tr.Attempt, tr.Error, calls.Load())
	}
	// A later run may retry it: the code or the spec may have changed.
	sum = mustOptimize(t, context.Background(), store, testStudy("det"), gridSpace(3), search.Grid{},
		obj, search.Config{Parallel: 2, MaxRetries: 2})
	if tr := sum.Trials[1]; tr.Attempt != 2 || sum.Started != 1 || calls.Load() != 2 {
		t.Errorf("resume: trial 1 attempt %d, started %d, %d calls; want 2, 1, 2", tr.Attempt, sum.Started, calls.Load())
	}
	if err := search.Deterministic(nil); err != nil {
		t.Errorf("Deterministic(nil) = %v", err)
	}
	if err := search.Deterministic(context.Canceled); !errors.Is(err, context.Canceled) || !errors.Is(err, search.ErrDeterministic) {
		t.Errorf("Deterministic(err) = %v: must wrap both err and ErrDeterministic", err)
	}
}

// finishedElsewhereStore plays another process that finishes trial k
// between this run listing the study and starting k.
type finishedElsewhereStore struct {
	search.Store
	k int
}

func (s finishedElsewhereStore) StartTrial(ctx context.Context, t search.Trial) (search.Trial, error) {
	if t.Number == s.k {
		other, err := s.Store.StartTrial(ctx, t)
		if err != nil {
			return other, err
		}
		other.Status, other.Result = search.StatusComplete, &search.Result{Value: 42, Values: map[string]float64{"score": 42}}
		if err := s.Store.FinishTrial(ctx, other); err != nil {
			return other, err
		}
	}
	return s.Store.StartTrial(ctx, t)
}

// The summary of a run that shared its study describes the whole study,
// read back from the store, including the trial another process finished.
func TestSummaryOfSharedStudy(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	store := finishedElsewhereStore{Store: memory.New(nil), k: 2}
	sum := mustOptimize(t, context.Background(), store, testStudy("shared"), gridSpace(4), search.Grid{}, detObjective,
		search.Config{Parallel: 1, Log: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if sum.Started != 3 || len(sum.Trials) != 4 || sum.Count(search.StatusComplete) != 4 {
		t.Errorf("started %d, trials %+v; want 3 started and all 4 trials complete", sum.Started, outcomes(sum.Trials))
	}
	if sum.Best == nil || sum.Best.Number != 2 || sum.Best.Result.Value != 42 {
		t.Errorf("best %+v, want trial 2 (value 42) finished by the other process", sum.Best)
	}
	if log.Len() > 0 {
		t.Errorf("a trial finished by another process is not a warning:\n%s", log.String())
	}
}

func TestTimedOutTrialNotRetriedAtOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		slow := func(ctx context.Context, run *search.Run) (*search.Result, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		sum := mustOptimize(t, context.Background(), memory.New(nil), testStudy("slow"), gridSpace(2), search.Grid{}, slow,
			search.Config{Parallel: 2, MaxRetries: 3, TrialTimeout: time.Minute})
		for _, tr := range sum.Trials {
			if tr.Status != search.StatusFailed || tr.Attempt != 1 || !strings.HasPrefix(tr.Error, "timed out after 1m0s") {
				t.Errorf("trial %d: %s attempt %d %q; want failed once, timed out", tr.Number, tr.Status, tr.Attempt, tr.Error)
			}
		}
	})
}

func TestTrialTimeoutDeadlineTarget(t *testing.T) {
	t.Parallel()
	// sleepy takes 3 minutes of (fake) time per trial, 10 for trial 1.
	sleepy := func(ctx context.Context, run *search.Run) (*search.Result, error) {
		d := 3 * time.Minute
		if run.Number == 1 {
			d = 10 * time.Minute
		}
		select {
		case <-time.After(d):
			return &search.Result{Value: float64(run.Number)}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	tests := []struct {
		name     string
		cfg      search.Config
		reason   search.StopReason
		statuses []search.Status
		elapsed  time.Duration
	}{
		{"timeout", search.Config{Parallel: 1, TrialTimeout: 5 * time.Minute, MaxRetries: -1, MaxTrials: 3},
			search.StopDone, []search.Status{search.StatusComplete, search.StatusFailed, search.StatusComplete},
			3*time.Minute + 5*time.Minute + 3*time.Minute},
		// Deadline at 10m: trials 0 (0–3m) and 2 (13m…) — trial 1 runs 3–13m,
		// is given the 1m grace at 10m and interrupted at 11m.
		{"deadline", search.Config{Parallel: 1, Deadline: 10 * time.Minute},
			search.StopDeadline, []search.Status{search.StatusComplete, search.StatusInterrupted}, 11 * time.Minute},
		{"target", search.Config{Parallel: 1, Target: ptr(2.0)},
			search.StopTarget, []search.Status{search.StatusComplete, search.StatusComplete, search.StatusComplete},
			3*time.Minute + 10*time.Minute + 3*time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				t0 := time.Now()
				sum := mustOptimize(t, context.Background(), memory.New(nil), testStudy(tc.name), gridSpace(10),
					search.Grid{}, sleepy, tc.cfg)
				var got []search.Status
				for _, tr := range sum.Trials {
					got = append(got, tr.Status)
				}
				if !slices.Equal(got, tc.statuses) || sum.Reason != tc.reason {
					t.Fatalf("statuses %v, reason %s; want %v, %s", got, sum.Reason, tc.statuses, tc.reason)
				}
				if d := time.Since(t0); d != tc.elapsed {
					t.Errorf("took %v, want %v", d, tc.elapsed)
				}
				if tc.name == "timeout" && sum.Trials[1].Error != "timed out after 5m0s: context deadline exceeded" {
					t.Errorf("timeout message %q", sum.Trials[1].Error)
				}
			})
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestResumeAfterTargetReached(t *testing.T) {
	t.Parallel()
	store := memory.New(nil)
	obj := func(ctx context.Context, run *search.Run) (*search.Result, error) {
		return &search.Result{Value: float64(run.Number)}, nil
	}
	cfg := search.Config{Parallel: 1, Target: ptr(3.0)}
	sum := mustOptimize(t, context.Background(), store, testStudy("target"), gridSpace(10), search.Grid{}, obj, cfg)
	if sum.Reason != search.StopTarget || len(sum.Trials) != 4 {
		t.Fatalf("first run: reason %s, %d trials; want target, 4", sum.Reason, len(sum.Trials))
	}
	sum = mustOptimize(t, context.Background(), store, testStudy("target"), gridSpace(10), search.Grid{}, obj, cfg)
	if sum.Reason != search.StopTarget || sum.Started != 0 || len(sum.Trials) != 4 {
		t.Errorf("resume: reason %s, started %d, %d trials; want target, 0, 4", sum.Reason, sum.Started, len(sum.Trials))
	}
}

func TestMedianPruner(t *testing.T) {
	t.Parallel()
	complete := func(values ...float64) search.Trial {
		return search.Trial{Status: search.StatusComplete, Intermediate: values}
	}
	finished := []search.Trial{
		complete(0.5, 0.6, 0.7),
		complete(0.4, 0.5),
		complete(0.3, 0.4, 0.5),
		{Status: search.StatusPruned, Intermediate: []float64{0.0, 0.0, 0.0}}, // ignored: not complete
	}
	tests := []struct {
		name   string
		p      search.MedianPruner
		dir    search.Direction
		values []float64
		want   bool
	}{
		// Epoch 2: median of 0.6, 0.5, 0.4 is 0.5.
		{"below median", search.MedianPruner{}, search.Maximize, []float64{0.1, 0.45}, true},
		{"at median", search.MedianPruner{}, search.Maximize, []float64{0.1, 0.5}, false},
		{"best so far counts", search.MedianPruner{}, search.Maximize, []float64{0.55, 0.1}, false},
		{"minimize", search.MedianPruner{}, search.Minimize, []float64{0.1, 0.45}, false},
		{"minimize above median", search.MedianPruner{}, search.Minimize, []float64{0.7, 0.6}, true},
		{"warm-up epochs", search.MedianPruner{WarmupEpochs: 2}, search.Maximize, []float64{0.1, 0.1}, false},
		{"warm-up trials", search.MedianPruner{WarmupTrials: 4}, search.Maximize, []float64{0.1, 0.1}, false},
		// Epoch 3: only two complete trials reached it: median (0.7+0.5)/2.
		{"even count", search.MedianPruner{}, search.Maximize, []float64{0, 0, 0.59}, true},
		{"min trials", search.MedianPruner{MinTrials: 3}, search.Maximize, []float64{0, 0, 0.59}, false},
		{"no trial reached the epoch", search.MedianPruner{}, search.Maximize, []float64{0, 0, 0, 0}, false},
		{"NaN only", search.MedianPruner{}, search.Maximize, []float64{math.NaN(), math.NaN()}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.p.Prune(tc.dir, len(tc.values), tc.values, finished); got != tc.want {
				t.Errorf("Prune = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPruningInDriver(t *testing.T) {
	t.Parallel()
	curve := []float64{10, 9, 8, 20, 1, 9.5} // trial k reports curve[k] at every epoch
	obj := func(ctx context.Context, run *search.Run) (*search.Result, error) {
		v := curve[run.Number]
		for e := 1; e <= 5; e++ {
			if run.Report(e, v) {
				return nil, fmt.Errorf("epoch %d: %w", e, search.ErrPruned)
			}
		}
		return &search.Result{Value: v, EpochsRun: 5}, nil
	}
	var epochs, prunes atomic.Int32
	cfg := search.Config{
		Parallel: 1,
		Pruner:   search.MedianPruner{WarmupTrials: 3, WarmupEpochs: 1},
		OnEvent: func(ev search.Event) {
			if ev.Kind == search.EventEpoch {
				epochs.Add(1)
				if ev.Prune {
					prunes.Add(1)
				}
			}
		},
	}
	sum := mustOptimize(t, context.Background(), memory.New(nil), testStudy("prune"), gridSpace(len(curve)),
		search.Grid{}, obj, cfg)
	// Trial 3 (20) beats the median 9 of trials 0–2; trial 4 (1) is below
	// the median 9.5 of 10, 9, 8, 20 at epoch 2; trial 5 (9.5) equals it.
	want := []search.Status{search.StatusComplete, search.StatusComplete, search.StatusComplete,
		search.StatusComplete, search.StatusPruned, search.StatusComplete}
	for k, tr := range sum.Trials {
		if tr.Status != want[k] {
			t.Errorf("trial %d: %s, want %s", k, tr.Status, want[k])
		}
	}
	p := sum.Trials[4]
	if len(p.Intermediate) != 2 || p.Result == nil || p.Result.EpochsRun != 2 || p.Result.StopReason != "pruned" || p.Result.Value != 1 {
		t.Errorf("pruned trial: intermediate %v, result %+v; want pruned at epoch 2 with value 1", p.Intermediate, p.Result)
	}
	if epochs.Load() != 5*5+2 || prunes.Load() != 1 {
		t.Errorf("%d epoch events (%d prune), want 27 (1)", epochs.Load(), prunes.Load())
	}
}

// flakyStore fails calls according to fail, which sees the method name and
// the call's index among calls of that method.
type flakyStore struct {
	search.Store
	mu    sync.Mutex
	calls map[string]int
	fail  func(method string, i int) bool
}

var errUnreachable = errors.New("dial tcp 10.0.0.1:5432: connection refused")

func (s *flakyStore) check(method string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	i := s.calls[method]
	s.calls[method]++
	if s.fail(method, i) {
		return errUnreachable
	}
	return nil
}

func (s *flakyStore) StartTrial(ctx context.Context, t search.Trial) (search.Trial, error) {
	if err := s.check("StartTrial"); err != nil {
		return search.Trial{}, err
	}
	return s.Store.StartTrial(ctx, t)
}

func (s *flakyStore) FinishTrial(ctx context.Context, t search.Trial) error {
	if err := s.check("FinishTrial"); err != nil {
		return err
	}
	return s.Store.FinishTrial(ctx, t)
}

func TestStoreFailures(t *testing.T) {
	t.Parallel()
	t.Run("transient failures are retried", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			store := &flakyStore{Store: memory.New(nil), fail: func(m string, i int) bool { return i%3 != 2 }}
			// Parallel 1: each call fails twice, then succeeds.
			var log bytes.Buffer
			sum := mustOptimize(t, context.Background(), store, testStudy("flaky"), gridSpace(6), search.Grid{},
				detObjective, search.Config{Parallel: 1, Log: slog.New(slog.NewTextHandler(&log, nil))})
			if sum.Count(search.StatusComplete) != 6 {
				t.Fatalf("trials %+v, want 6 complete", outcomes(sum.Trials))
			}
			// 6 trials × (StartTrial, FinishTrial) × 2 failures each.
			if n := strings.Count(log.String(), "store call failed; retrying"); n != 24 {
				t.Errorf("%d retry warnings, want 24:\n%s", n, log.String())
			}
			if !strings.Contains(log.String(), `call="start trial 0" attempt=1`) {
				t.Errorf("retry warning does not name the call:\n%s", log.String())
			}
		})
	})
	t.Run("unreachable store stops the sweep", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			store := &flakyStore{Store: memory.New(nil), fail: func(m string, i int) bool {
				return m == "FinishTrial" && i >= 2
			}}
			sum, err := search.Optimize(context.Background(), store, testStudy("down"), gridSpace(50), search.Grid{},
				detObjective, search.Config{Parallel: 2})
			want := "store unreachable after 5 attempts: finish trial"
			if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, errUnreachable) {
				t.Fatalf("err = %v, want %q wrapping the store's error", err, want)
			}
			if sum.Reason != search.StopError || sum.Started > 6 {
				t.Errorf("reason %s, started %d: want error, and the sweep stopped early", sum.Reason, sum.Started)
			}
		})
	})
}

// badSampler delegates to Grid but fails at trial failAt, with an error or
// with params outside the space.
type badSampler struct {
	failAt  int
	outside bool
}

func (s badSampler) Sample(space search.Space, k int, seed uint64, finished []search.Trial) (search.Params, error) {
	if k == s.failAt {
		if s.outside {
			return search.Params{"x": search.Int(-1)}, nil
		}
		return nil, errors.New("model fit failed")
	}
	return search.Grid{}.Sample(space, k, seed, finished)
}

func TestSamplerErrorStopsScheduling(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sampler badSampler
		want    string
	}{
		{badSampler{failAt: 3}, "sample trial 3: model fit failed"},
		{badSampler{failAt: 2, outside: true}, "sample trial 2: sampler search_test.badSampler gave params outside the space: space.x: value -1 is outside the int parameter"},
	}
	for _, tc := range tests {
		sum, err := search.Optimize(context.Background(), memory.New(nil), testStudy("bad"), gridSpace(10), tc.sampler,
			detObjective, search.Config{Parallel: 1, MaxTrials: 10})
		if err == nil || err.Error() != tc.want {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
		if sum.Reason != search.StopError || len(sum.Trials) != tc.sampler.failAt || sum.Count(search.StatusComplete) != tc.sampler.failAt {
			t.Errorf("reason %s, trials %+v; want error after %d complete trials", sum.Reason, outcomes(sum.Trials), tc.sampler.failAt)
		}
	}
}

func TestResumeStaleRunningTrial(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := memory.New(nil)
	st, err := store.CreateStudy(ctx, testStudy("stale"))
	if err != nil {
		t.Fatal(err)
	}
	// A process died while trial 0 ran: the row says running.
	params, _ := search.Random{}.Sample(mlpSpace(), 0, st.Seed, nil)
	if _, err := store.StartTrial(ctx, search.Trial{StudyID: st.ID, Number: 0, Params: params, Seed: search.TrialSeed(st.Seed, 0)}); err != nil {
		t.Fatal(err)
	}
	sum := mustOptimize(t, ctx, store, testStudy("stale"), mlpSpace(), search.Random{}, detObjective,
		search.Config{Parallel: 2, MaxTrials: 3})
	if tr := sum.Trials[0]; tr.Status != search.StatusComplete || tr.Attempt != 2 || tr.Params.String() != params.String() {
		t.Errorf("stale trial: %s attempt %d params %s; want complete, 2, %s", tr.Status, tr.Attempt, tr.Params, params)
	}
	if sum.Count(search.StatusComplete) != 3 || sum.Started != 3 {
		t.Errorf("complete %d, started %d; want 3, 3", sum.Count(search.StatusComplete), sum.Started)
	}
}

// heldStore reports the trials in held as running in another process.
type heldStore struct {
	search.Store
	held map[int]bool
}

func (s heldStore) StartTrial(ctx context.Context, t search.Trial) (search.Trial, error) {
	if s.held[t.Number] {
		return search.Trial{}, fmt.Errorf("start trial %d: %w", t.Number, search.ErrTrialHeld)
	}
	return s.Store.StartTrial(ctx, t)
}

func TestHeldTrialsSkipped(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	store := heldStore{Store: memory.New(nil), held: map[int]bool{1: true, 4: true}}
	sum := mustOptimize(t, context.Background(), store, testStudy("held"), gridSpace(6), search.Grid{}, detObjective,
		search.Config{Parallel: 2, Log: slog.New(slog.NewTextHandler(&log, nil))})
	if sum.Held != 2 || sum.Started != 4 || sum.Count(search.StatusComplete) != 4 || sum.Reason != search.StopDone {
		t.Errorf("held %d, started %d, complete %d, reason %s; want 2, 4, 4, done", sum.Held, sum.Started, sum.Count(search.StatusComplete), sum.Reason)
	}
	for _, tr := range sum.Trials {
		if tr.Number == 1 || tr.Number == 4 {
			t.Errorf("held trial %d is in the summary: %+v", tr.Number, outcomes([]search.Trial{tr}))
		}
	}
	if n := strings.Count(log.String(), "trial is running in another process; skipped"); n != 2 {
		t.Errorf("%d warnings about held trials, want 2:\n%s", n, log.String())
	}
}

func TestStudyMismatch(t *testing.T) {
	t.Parallel()
	store := memory.New(nil)
	mustOptimize(t, context.Background(), store, testStudy("s"), gridSpace(2), search.Grid{}, detObjective, search.Config{})
	other := testStudy("s")
	other.Seed = 8
	_, err := search.Optimize(context.Background(), store, other, gridSpace(2), search.Grid{}, detObjective, search.Config{})
	if err == nil || !strings.Contains(err.Error(), `study "s" exists with seed 7, not 8`) {
		t.Errorf("err = %v", err)
	}
}

func TestOptimizeRejectsBadInput(t *testing.T) {
	t.Parallel()
	store := memory.New(nil)
	tests := []struct {
		name    string
		space   search.Space
		sampler search.Sampler
		cfg     search.Config
		want    string
	}{
		{"random needs max trials", mlpSpace(), search.Random{}, search.Config{}, "max_trials: required"},
		{"grid over float range", mlpSpace(), search.Grid{}, search.Config{}, "space.dropout: a grid over a float range needs a count"},
		{"bad space", search.Space{Params: []search.Param{search.FloatRange("l1", 1, 0)}}, search.Random{},
			search.Config{MaxTrials: 1}, "space.l1: max must be ≥ min"},
		{"config", mlpSpace(), search.Random{}, search.Config{Parallel: -1, MaxTrials: 1, Target: ptr(math.Inf(1))},
			"parallel: must be ≥ 1, got -1\ntarget: must be finite"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := search.Optimize(context.Background(), store, testStudy(tc.name), tc.space, tc.sampler,
				detObjective, tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestEventsAndCodeVersion(t *testing.T) {
	t.Parallel()
	var inside atomic.Bool
	var mu sync.Mutex
	counts := map[search.EventKind]int{}
	overlap := false
	cfg := search.Config{
		Parallel: 4,
		OnEvent: func(ev search.Event) {
			if !inside.CompareAndSwap(false, true) {
				overlap = true
			}
			defer inside.Store(false)
			mu.Lock()
			counts[ev.Kind]++
			mu.Unlock()
			if ev.Running < 0 || ev.Running > 4 {
				t.Errorf("event %s: running %d", ev.Kind, ev.Running)
			}
		},
	}
	sum := mustOptimize(t, context.Background(), memory.New(nil), testStudy("events"), gridSpace(12), search.Grid{},
		detObjective, cfg)
	if overlap {
		t.Error("OnEvent calls overlapped")
	}
	if counts[search.EventTrialStarted] != 12 || counts[search.EventTrialFinished] != 12 || counts[search.EventEpoch] != 36 {
		t.Errorf("events %v, want 12 started, 12 finished, 36 epochs", counts)
	}
	want := search.BuildCodeVersion()
	if want.GoVersion != runtime.Version() || !strings.HasPrefix(want.Platform, runtime.GOOS+"/"+runtime.GOARCH) {
		t.Errorf("BuildCodeVersion() = %+v", want)
	}
	if got := sum.Trials[0].Result.Code; got != want {
		t.Errorf("Result.Code = %+v, want %+v", got, want)
	}
	if sum.Best == nil || sum.Best.Result.Value != slices.MaxFunc(sum.Trials, func(a, b search.Trial) int {
		return cmpFloat(a.Result.Value, b.Result.Value)
	}).Result.Value {
		t.Errorf("best trial %+v is not the maximum", sum.Best)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
