package storetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/sweep-ml/sweep/search"
)

// LeaseStore is a store that several processes share: the trials it starts
// carry leases that it renews until they finish.
type LeaseStore interface {
	search.Store
	// Heartbeat renews the leases of the trials the store is running.
	Heartbeat(ctx context.Context) error
}

// Clock is a settable clock for the lease tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock forward by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// PairFunc returns two stores over one fresh database, as two processes
// would open it, with now as their clock (nil: time.Now) and lease as their
// lease (0: the default).
type PairFunc func(t *testing.T, now func() time.Time, lease time.Duration) (a, b LeaseStore)

// RunLeases runs the lease part of the suite: a running trial is claimed
// by the store that started it until its lease expires, heartbeats extend
// the lease, and two drivers sharing a study never run a trial twice.
func RunLeases(t *testing.T, pair PairFunc) {
	t.Run("HeldUntilExpiry", func(t *testing.T) { testHeldUntilExpiry(t, pair) })
	t.Run("FinishedRowsNotHeld", func(t *testing.T) { testFinishedNotHeld(t, pair) })
	t.Run("TwoDrivers", func(t *testing.T) { testTwoDrivers(t, pair) })
}

func testHeldUntilExpiry(t *testing.T, pair PairFunc) {
	ctx := context.Background()
	clock := &Clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	a, b := pair(t, clock.Now, time.Minute)
	st := mustCreate(t, a, newStudy("leases"))
	ta := mustStart(t, a, newTrial(st.ID, 0))

	if _, err := b.StartTrial(ctx, newTrial(st.ID, 0)); !errors.Is(err, search.ErrTrialHeld) {
		t.Fatalf("second store starting a running trial: err = %v, want ErrTrialHeld", err)
	}
	clock.Add(50 * time.Second)
	if err := a.Heartbeat(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Add(50 * time.Second) // 100 s after the start, 50 s after the heartbeat
	if _, err := b.StartTrial(ctx, newTrial(st.ID, 0)); !errors.Is(err, search.ErrTrialHeld) {
		t.Fatalf("after a heartbeat: err = %v, want ErrTrialHeld (the heartbeat extended the lease)", err)
	}
	clock.Add(11 * time.Second) // the renewed lease has expired: a is presumed dead
	tb, err := b.StartTrial(ctx, newTrial(st.ID, 0))
	if err != nil {
		t.Fatalf("taking over an expired lease: %v", err)
	}
	if tb.ID != ta.ID || tb.Attempt != 2 {
		t.Errorf("taken over: id %d attempt %d, want id %d attempt 2", tb.ID, tb.Attempt, ta.ID)
	}
	if err := a.Heartbeat(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.StartTrial(ctx, newTrial(st.ID, 0)); !errors.Is(err, search.ErrTrialHeld) {
		t.Errorf("the first store's heartbeat after the takeover must not reclaim the trial: err = %v", err)
	}
	ta.Status, ta.FinishedAt = search.StatusComplete, clock.Now()
	ta.Result = &search.Result{Value: 0.1, Values: map[string]float64{"val_macro_f1": 0.1}}
	if err := a.FinishTrial(ctx, ta); !errors.Is(err, search.ErrTrialFinished) {
		t.Errorf("the first store finishing a trial taken over: err = %v, want ErrTrialFinished", err)
	}
	tb.Status, tb.FinishedAt = search.StatusComplete, clock.Now()
	tb.Result = &search.Result{Value: 0.2, Values: map[string]float64{"val_macro_f1": 0.2}}
	if err := b.FinishTrial(ctx, tb); err != nil {
		t.Fatalf("finish after takeover: %v", err)
	}
	trials, err := a.Trials(ctx, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(trials) != 1 || trials[0].Status != search.StatusComplete || trials[0].Attempt != 2 || trials[0].Result.Value != 0.2 {
		t.Errorf("recorded %+v, want one complete trial of attempt 2 with value 0.2", trials)
	}
}

func testFinishedNotHeld(t *testing.T, pair PairFunc) {
	ctx := context.Background()
	clock := &Clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	a, b := pair(t, clock.Now, time.Hour)
	st := mustCreate(t, a, newStudy("released"))
	for k, status := range []search.Status{search.StatusFailed, search.StatusInterrupted} {
		tr := mustStart(t, a, newTrial(st.ID, k))
		tr.Status, tr.FinishedAt, tr.Error = status, clock.Now(), "stopped"
		if err := a.FinishTrial(ctx, tr); err != nil {
			t.Fatal(err)
		}
		// A finished attempt releases its lease at once.
		again, err := b.StartTrial(ctx, newTrial(st.ID, k))
		if err != nil || again.Attempt != 2 {
			t.Errorf("%s trial started by another store: attempt %d, err %v; want attempt 2", status, again.Attempt, err)
		}
	}
}

// testTwoDrivers runs two sweeps of one study at once, as two processes
// would: together they run every trial once.
func testTwoDrivers(t *testing.T, pair PairFunc) {
	const n = 16
	a, b := pair(t, nil, 0)
	study := search.Study{Name: "shared", Objective: "val_macro_f1", Direction: search.Maximize, Seed: 3}
	space := search.Space{Params: []search.Param{search.IntRange("x", 0, n-1, 1)}}
	objective := func(ctx context.Context, run *search.Run) (*search.Result, error) {
		select {
		case <-time.After(time.Duration(1+run.Seed%5) * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		x, _ := run.Params["x"].AsFloat()
		return &search.Result{Value: x, Values: map[string]float64{"val_macro_f1": x}}, nil
	}
	var sums [2]search.Summary
	var errs [2]error
	var wg sync.WaitGroup
	for i, s := range []search.Store{a, b} {
		wg.Go(func() {
			sums[i], errs[i] = search.Optimize(context.Background(), s, study, space, search.Grid{}, objective,
				search.Config{Parallel: 2, MaxTrials: n})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("driver %d: %v", i, err)
		}
	}
	if started := sums[0].Started + sums[1].Started; started != n {
		t.Errorf("the two drivers started %d+%d trial attempts (held %d+%d), want %d in all: a trial ran twice",
			sums[0].Started, sums[1].Started, sums[0].Held, sums[1].Held, n)
	}
	trials, err := a.Trials(context.Background(), sums[0].Study.ID)
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, tr := range trials {
		if tr.Status != search.StatusComplete || tr.Attempt != 1 {
			bad = append(bad, fmt.Sprintf("trial %d: %s, attempt %d", tr.Number, tr.Status, tr.Attempt))
		}
	}
	if len(trials) != n || len(bad) > 0 {
		t.Errorf("%d trials recorded, want %d complete with one attempt each; %v", len(trials), n, bad)
	}
}

// ChildEnv is the environment variable that puts RunDeadWorker in its
// child role; it holds the store's location.
const ChildEnv = "SWEEP_STORETEST_DEAD_WORKER"

// OpenAt opens the store at a location (a file, a schema) with a one-hour
// lease, in this process or in RunDeadWorker's child.
type OpenAt func(t *testing.T, location string) LeaseStore

// RunDeadWorker checks that a trial left running by a process that died
// (it exited without finishing the trial or closing the store) is taken
// over at once by another process of the same host, although its lease has
// an hour to run. The dead process is a child running the calling test
// (testName) again with ChildEnv set: in the child, RunDeadWorker starts
// the trial and exits.
func RunDeadWorker(t *testing.T, testName, location string, open OpenAt) {
	ctx := context.Background()
	if os.Getenv(ChildEnv) != "" {
		s := open(t, location)
		st, err := s.StudyByName(ctx, "dead-worker")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.StartTrial(ctx, newTrial(st.ID, 0)); err != nil {
			t.Fatal(err)
		}
		os.Exit(0)
	}
	s := open(t, location)
	st := mustCreate(t, s, newStudy("dead-worker"))
	child := exec.Command(os.Args[0], "-test.run=^"+testName+"$", "-test.count=1")
	child.Env = append(os.Environ(), ChildEnv+"="+location)
	if out, err := child.CombinedOutput(); err != nil {
		t.Fatalf("child process: %v\n%s", err, out)
	}
	trials, err := s.Trials(ctx, st.ID)
	if err != nil || len(trials) != 1 || trials[0].Status != search.StatusRunning {
		t.Fatalf("after the child: %+v, %v; want trial 0 left running", trials, err)
	}
	tr, err := s.StartTrial(ctx, newTrial(st.ID, 0))
	if err != nil {
		t.Fatalf("a dead process's trial: %v, want it taken over at once", err)
	}
	if tr.Attempt != 2 {
		t.Errorf("taken over with attempt %d, want 2", tr.Attempt)
	}
}
