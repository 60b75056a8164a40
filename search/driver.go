package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// Summary is the outcome of one call of Optimize.
type Summary struct {
	// Study is the study as stored (created or resumed).
	Study Study
	// Trials holds the latest state of every trial of the study known at the
	// end, ordered by Number, including those of earlier runs.
	Trials []Trial
	// Best is the best complete trial (ties: lowest Number), or nil.
	Best *Trial
	// Started counts the trial attempts this call started.
	Started int
	// Held counts the trials this call skipped because another process
	// was running them (ErrTrialHeld); a later run picks up any that
	// process leaves unfinished. When other processes shared the study
	// (held trials, or trials they finished first), Trials is read from
	// the store at the end and describes the whole study.
	Held int
	// Reason says why scheduling stopped.
	Reason StopReason
	// Elapsed is the wall-clock time of the call.
	Elapsed time.Duration
}

// Count returns how many of s.Trials have the status.
func (s Summary) Count(st Status) int {
	n := 0
	for i := range s.Trials {
		if s.Trials[i].Status == st {
			n++
		}
	}
	return n
}

// errGraceOver and errTrialTimeout are the causes the driver cancels
// contexts with, so that an interruption can be told from a timeout.
var (
	errGraceOver    = errors.New("grace period after stop ended")
	errTrialTimeout = errors.New("trial timeout")
)

// Optimize runs (or resumes) a study: trials 0 … MaxTrials-1, at most
// cfg.Parallel at a time, each with params from sampler and seed
// TrialSeed(study.Seed, k), each evaluated by objective, each recorded in
// store (StartTrial before, FinishTrial after; no store call is open while a
// trial trains).
//
// The study is looked up by study.Name and created when absent; when it
// exists, its Seed, Direction and Objective must match study's, and its
// recorded trials are continued: complete and pruned trials are kept,
// interrupted (and stale running) trials run again with their recorded
// params and seed, failed trials run again while they have attempts left
// (Config.MaxRetries), and missing trials are sampled. A trial that another
// process is running (the store says ErrTrialHeld: its lease is alive) is
// skipped and counted in Summary.Held, so several processes can share a
// study and together run each trial once. Without a pruner, the
// final set of trials and their metrics are those of an uninterrupted run, at
// any parallelism.
//
// Stopping: closing cfg.Stop (or the deadline, or the target) stops
// scheduling; running trials then have cfg.Grace to finish before their
// context is cancelled. Cancelling ctx cancels running trials at once. A
// trial whose context the driver cancelled is recorded as interrupted (the
// final write uses context.WithoutCancel), never as complete.
//
// A failing or panicking objective is recorded as a failed trial and the
// sweep goes on. Only infrastructure failures end it early with an error: a
// store call that still fails after cfg.StoreAttempts tries, or a sampler
// error. Cancelling ctx returns an error wrapping ctx's error. The Summary is
// valid in every case.
func Optimize(ctx context.Context, store Store, study Study, space Space, sampler Sampler, objective Objective, cfg Config) (Summary, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return Summary{Study: study}, fmt.Errorf("search config: %w", err)
	}
	if err := space.Validate(); err != nil {
		return Summary{Study: study}, err
	}
	switch {
	case store == nil:
		return Summary{Study: study}, errors.New("search: nil store")
	case sampler == nil:
		return Summary{Study: study}, errors.New("search: nil sampler")
	case objective == nil:
		return Summary{Study: study}, errors.New("search: nil objective")
	case study.Name == "":
		return Summary{Study: study}, errors.New("search: study has no name")
	}
	maxTrials := cfg.MaxTrials
	if sz, ok := sampler.(Sizer); ok {
		n, err := sz.Size(space)
		if err != nil {
			return Summary{Study: study}, fmt.Errorf("search: %w", err)
		}
		if maxTrials == 0 || maxTrials > n {
			maxTrials = n
		}
	} else if maxTrials == 0 {
		return Summary{Study: study}, fmt.Errorf("max_trials: required with sampler %T, which has no fixed size", sampler)
	}

	d := &driver{
		cfg:       cfg,
		store:     store,
		space:     space,
		sampler:   sampler,
		objective: objective,
		maxTrials: maxTrials,
		stopping:  make(chan struct{}),
		jitter:    rand.New(rand.NewPCG(study.Seed, 0x6A177E5)),
	}
	start := cfg.Clock()
	if cfg.Deadline > 0 {
		d.deadline = time.NewTimer(cfg.Deadline)
		defer d.deadline.Stop()
	}
	sum, err := d.optimize(ctx, study)
	sum.Elapsed = cfg.Clock().Sub(start)
	return sum, err
}

// driver is the state of one Optimize call.
type driver struct {
	cfg       Config
	store     Store
	study     Study
	space     Space
	sampler   Sampler
	objective Objective
	maxTrials int
	deadline  *time.Timer // nil: none

	schedMu  sync.Mutex // serializes taking the next trial and sampling
	schedErr error      // a sampler error, which stopped scheduling

	mu        sync.Mutex
	trials    []Trial // latest state by Number (those known)
	known     []bool  // whether trials[k] holds a trial
	finished  []Trial // append-only: final states, in order learnt
	running   int
	started   int
	held      int // trials skipped: ErrTrialHeld
	elsewhere int // trials skipped: finished by another process since listed
	reason    StopReason
	stopping  chan struct{} // closed when scheduling stops
	stopOnce  sync.Once

	evMu sync.Mutex // serializes cfg.OnEvent

	jitterMu sync.Mutex
	jitter   *rand.Rand
}

func (d *driver) optimize(ctx context.Context, study Study) (Summary, error) {
	st, err := d.openStudy(ctx, study)
	if err != nil {
		return Summary{Study: study, Reason: reasonFor(ctx, err)}, err
	}
	d.study = st
	prior, err := retryStore(ctx, d, storeCall{"list trials", -1}, func(ctx context.Context) ([]Trial, error) {
		return d.store.Trials(ctx, st.ID)
	})
	if err != nil {
		return d.summary(reasonFor(ctx, err)), err
	}
	n := d.maxTrials
	for _, t := range prior {
		n = max(n, t.Number+1)
	}
	d.trials, d.known = make([]Trial, n), make([]bool, n)
	outside := 0
	for _, t := range prior {
		if t.Number < d.maxTrials && d.rerun(t) && d.space.Contains(t.Params) != nil {
			outside++
		}
		d.trials[t.Number], d.known[t.Number] = t, true
		if !d.rerun(t) {
			d.finished = append(d.finished, t)
		}
	}
	if outside > 0 {
		// They rerun with their recorded params, as resuming must; the
		// space (the spec) has changed since they were sampled.
		d.cfg.Log.Warn("recorded trials have params outside the space; rerunning them as recorded", "study", st.Name, "trials", outside)
	}

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(d.cfg.Parallel)
	runCtx, cancelRun := context.WithCancelCause(gctx)
	defer cancelRun(nil)

	if tg := d.cfg.Target; tg != nil {
		// An earlier run may have reached the target already: an
		// uninterrupted run would have stopped there.
		for _, t := range prior {
			if t.Status == StatusComplete && t.Result != nil && d.reached(t.Result.Value) {
				d.stop(StopTarget)
				break
			}
		}
	}

	done := make(chan struct{})
	watcher := make(chan struct{})
	go d.watch(runCtx, cancelRun, done, watcher)

	d.schedule(runCtx, g)
	err = g.Wait()
	close(done)
	<-watcher
	if err == nil {
		err = d.schedErr // written under schedMu by a worker that g.Wait waited for
	}

	reason := d.reason
	switch {
	case err != nil:
		reason = StopError
	case ctx.Err() != nil:
		reason = StopCancelled
		err = fmt.Errorf("sweep %s cancelled: %w", st.Name, context.Cause(ctx))
	case reason == "":
		reason = StopDone
	}
	if err == nil && d.held+d.elsewhere > 0 {
		d.reload(ctx)
	}
	return d.summary(reason), err
}

// reload replaces the trials known in memory by the store's, once other
// processes have shared the study: the summary then describes the whole
// study as recorded now, not this run's partial view of it. On a store
// error the partial view stays.
func (d *driver) reload(ctx context.Context) {
	all, err := retryStore(ctx, d, storeCall{"list trials", -1}, func(ctx context.Context) ([]Trial, error) {
		return d.store.Trials(ctx, d.study.ID)
	})
	if err != nil {
		d.cfg.Log.Warn("could not list the study's trials for the summary; it shows this run's view", "error", err)
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	n := len(d.trials)
	for _, t := range all {
		n = max(n, t.Number+1)
	}
	d.trials, d.known = make([]Trial, n), make([]bool, n)
	for _, t := range all {
		d.trials[t.Number], d.known[t.Number] = t, true
	}
}

// openStudy returns the stored study of that name, creating it if needed.
func (d *driver) openStudy(ctx context.Context, study Study) (Study, error) {
	for range 2 {
		st, err := retryStore(ctx, d, storeCall{"look up study", -1}, func(ctx context.Context) (Study, error) {
			return d.store.StudyByName(ctx, study.Name)
		})
		if err == nil {
			switch {
			case st.Seed != study.Seed:
				return st, fmt.Errorf("study %q exists with seed %d, not %d: resuming it would change its trials", study.Name, st.Seed, study.Seed)
			case st.Direction != study.Direction:
				return st, fmt.Errorf("study %q exists with direction %s, not %s", study.Name, st.Direction, study.Direction)
			case st.Objective != study.Objective:
				return st, fmt.Errorf("study %q exists with objective %q, not %q", study.Name, st.Objective, study.Objective)
			}
			return st, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return study, err
		}
		st, err = retryStore(ctx, d, storeCall{"create study", -1}, func(ctx context.Context) (Study, error) {
			return d.store.CreateStudy(ctx, study)
		})
		if err == nil {
			return st, nil
		}
		if !errors.Is(err, ErrStudyExists) {
			return study, err
		}
		// Another process created it in between: look it up again.
	}
	return study, fmt.Errorf("study %q: created and not found", study.Name)
}

// retryAllowed reports whether a failed trial with that many attempts may
// start again.
func (d *driver) retryAllowed(attempts int) bool {
	return attempts < 1+max(d.cfg.MaxRetries, 0)
}

// rerun reports whether a recorded trial runs again: interrupted, stale
// running or queued trials always do, failed ones while attempts are left.
func (d *driver) rerun(t Trial) bool {
	return !t.Status.Finished() && (t.Status != StatusFailed || d.retryAllowed(t.Attempt))
}

// schedule starts min(Parallel, trials to run) workers under g. Each worker
// takes the next trial in increasing Number, samples its params if it is
// new, and runs it, until all are taken, scheduling stops, or runCtx ends.
// Workers return infrastructure errors through g; a sampler error stops
// scheduling and is kept in d.schedErr, letting running trials finish.
//
// Sampling when a worker is free (not ahead of time) lets a model-based
// sampler see every trial finished by then, and means no trial starts after
// scheduling has stopped; taking trials without a dispatcher goroutine
// saves two goroutine hand-offs per trial.
func (d *driver) schedule(runCtx context.Context, g *errgroup.Group) {
	var todo []int
	for k := range d.maxTrials {
		if !d.known[k] || d.rerun(d.trials[k]) {
			todo = append(todo, k)
		}
	}
	next := 0
	take := func() (k int, params Params, seed uint64, ok bool) {
		d.schedMu.Lock()
		defer d.schedMu.Unlock()
		if next >= len(todo) || d.isStopping() || runCtx.Err() != nil {
			return 0, nil, 0, false
		}
		k = todo[next]
		next++
		d.mu.Lock()
		known, prev := d.known[k], d.trials[k]
		d.mu.Unlock()
		if known {
			return k, prev.Params, prev.Seed, true
		}
		params, err := d.sampler.Sample(d.space, k, d.study.Seed, d.finishedSnapshot())
		if err == nil {
			if cerr := d.space.Contains(params); cerr != nil {
				err = fmt.Errorf("sampler %T gave params outside the space: %w", d.sampler, cerr)
			}
		}
		if err != nil {
			d.schedErr = fmt.Errorf("sample trial %d: %w", k, err)
			d.stop(StopError)
			return 0, nil, 0, false
		}
		return k, params, TrialSeed(d.study.Seed, k), true
	}
	for range min(d.cfg.Parallel, len(todo)) {
		g.Go(func() error {
			for {
				k, params, seed, ok := take()
				if !ok {
					return nil
				}
				if err := d.runTrialSafe(runCtx, k, params, seed); err != nil {
					return err
				}
			}
		})
	}
}

// runTrialSafe is runTrial with a driver panic (a store or sampler bug)
// turned into an error that ends the sweep.
func (d *driver) runTrialSafe(runCtx context.Context, k int, params Params, seed uint64) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("trial %d: panic in driver: %v\n%s", k, p, stackExcerpt(debug.Stack()))
		}
	}()
	return d.runTrial(runCtx, k, params, seed)
}

// watch turns cfg.Stop and the deadline into a stop of scheduling, then
// cancels running trials when the grace period ends. It returns when done is
// closed or runCtx ends.
func (d *driver) watch(runCtx context.Context, cancelRun context.CancelCauseFunc, done <-chan struct{}, exited chan<- struct{}) {
	defer close(exited)
	var deadline <-chan time.Time
	if d.deadline != nil {
		deadline = d.deadline.C
	}
	select {
	case <-d.cfg.Stop:
		d.stop(StopSignal)
	case <-deadline:
		d.stop(StopDeadline)
	case <-d.stopping: // target reached
	case <-runCtx.Done():
		return
	case <-done:
		return
	}
	if d.cfg.Grace < 0 {
		select {
		case <-runCtx.Done():
		case <-done:
		}
		return
	}
	tm := time.NewTimer(d.cfg.Grace)
	defer tm.Stop()
	select {
	case <-tm.C:
		d.cfg.Log.Info("grace period over: cancelling running trials", "grace", d.cfg.Grace)
		cancelRun(errGraceOver)
	case <-runCtx.Done():
	case <-done:
	}
}

// stop stops scheduling, recording the first reason.
func (d *driver) stop(reason StopReason) {
	d.stopOnce.Do(func() {
		d.mu.Lock()
		d.reason = reason
		running := d.running
		close(d.stopping)
		d.mu.Unlock()
		d.cfg.Log.Info("stopping: no new trials", "reason", string(reason), "running", running)
		d.emit(Event{Kind: EventStopping, Reason: reason, Running: running})
	})
}

func (d *driver) isStopping() bool {
	select {
	case <-d.stopping:
		return true
	default:
		return false
	}
}

func (d *driver) finishedSnapshot() []Trial {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.finished[:len(d.finished):len(d.finished)]
}

// runTrial runs trial k until it ends in a status that is not retried now.
// It returns only infrastructure errors.
func (d *driver) runTrial(runCtx context.Context, k int, params Params, seed uint64) error {
	for {
		t := Trial{
			StudyID:   d.study.ID,
			Number:    k,
			Status:    StatusRunning,
			Params:    params,
			Seed:      seed,
			Host:      d.cfg.Host,
			StartedAt: d.cfg.Clock(),
		}
		started, err := retryStore(runCtx, d, storeCall{"start trial", k}, func(ctx context.Context) (Trial, error) {
			return d.store.StartTrial(ctx, t)
		})
		switch {
		case errors.Is(err, ErrTrialFinished):
			// Another process finished it since this run listed the study.
			d.cfg.Log.Info("trial already finished in the store; skipped", "trial", k)
			d.mu.Lock()
			d.elsewhere++
			d.mu.Unlock()
			return nil
		case errors.Is(err, ErrTrialHeld):
			d.cfg.Log.Info("trial is running in another process; skipped", "trial", k, "error", err)
			d.mu.Lock()
			d.held++
			d.mu.Unlock()
			return nil
		case err != nil && runCtx.Err() != nil:
			return nil // cancelled before it started: nothing to record
		case err != nil:
			return err
		}
		d.mu.Lock()
		d.running++
		d.started++
		running := d.running
		d.trials[k], d.known[k] = started, true
		d.mu.Unlock()
		if d.cfg.OnEvent != nil {
			d.emit(Event{Kind: EventTrialStarted, Trial: started, Running: running})
		}

		final, permanent := d.attempt(runCtx, started)

		_, werr := retryStore(context.WithoutCancel(runCtx), d, storeCall{"finish trial", k}, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, d.store.FinishTrial(ctx, final)
		})
		again := final.Status == StatusFailed && !permanent && d.retryAllowed(final.Attempt) && !d.isStopping() && runCtx.Err() == nil && werr == nil
		d.finish(final, again)
		switch {
		case errors.Is(werr, ErrTrialFinished):
			d.cfg.Log.Warn("trial finished twice; second result dropped", "trial", k)
			return nil
		case werr != nil:
			return werr
		case !again:
			return nil
		}
		d.cfg.Log.Info("retrying failed trial", "trial", k, "attempt", final.Attempt+1, "error", final.Error)
	}
}

// attempt calls the objective once and classifies the outcome; permanent
// reports a failure that a retry would repeat (ErrDeterministic).
func (d *driver) attempt(runCtx context.Context, t Trial) (_ Trial, permanent bool) {
	run := &Run{Number: t.Number, Params: t.Params, Seed: t.Seed, Attempt: t.Attempt}
	if d.cfg.Pruner != nil || d.cfg.OnEvent != nil {
		run.report = func(epoch int, value float64, values []float64) bool {
			prune := false
			if d.cfg.Pruner != nil {
				prune = d.cfg.Pruner.Prune(d.study.Direction, epoch, values, d.finishedSnapshot())
			}
			if d.cfg.OnEvent != nil {
				d.mu.Lock()
				running := d.running
				d.mu.Unlock()
				d.emit(Event{
					Kind:    EventEpoch,
					Trial:   Trial{ID: t.ID, StudyID: t.StudyID, Number: t.Number, Status: StatusRunning, Params: t.Params, Seed: t.Seed, Attempt: t.Attempt, Host: t.Host, StartedAt: t.StartedAt},
					Epoch:   epoch,
					Value:   value,
					Prune:   prune,
					Running: running,
				})
			}
			return prune
		}
	}
	tctx := runCtx
	if d.cfg.TrialTimeout > 0 {
		var cancel context.CancelFunc
		tctx, cancel = context.WithTimeoutCause(runCtx, d.cfg.TrialTimeout, errTrialTimeout)
		defer cancel()
	}

	res, err, panicked := callObjective(tctx, d.objective, run)

	run.mu.Lock()
	// Take the slice and detach the Run: a goroutine the objective leaked
	// can still call Report, but reaches neither this record nor the driver.
	t.Intermediate, run.intermediate = run.intermediate, nil
	run.report = nil
	run.mu.Unlock()
	t.FinishedAt = d.cfg.Clock()
	if res != nil {
		r := *res
		if r.Code == (CodeVersion{}) {
			r.Code = d.cfg.Code
		}
		t.Result = &r
	}

	switch {
	case runCtx.Err() != nil:
		t.Status = StatusInterrupted
		t.Error = "interrupted: " + context.Cause(runCtx).Error()
	case panicked:
		t.Status = StatusFailed
		t.Error = err.Error()
	case err == nil && res == nil:
		t.Status = StatusFailed
		t.Error = "objective returned neither a result nor an error"
	case err == nil && math.IsNaN(res.Value):
		t.Status = StatusFailed
		t.Error = "objective value is NaN"
	case err == nil:
		t.Status = StatusComplete
	case errors.Is(err, ErrPruned):
		t.Status = StatusPruned
		if t.Result == nil {
			t.Result = &Result{Value: lastFinite(t.Intermediate), Code: d.cfg.Code}
		}
		if t.Result.EpochsRun == 0 {
			t.Result.EpochsRun = len(t.Intermediate)
		}
		if t.Result.StopReason == "" {
			t.Result.StopReason = "pruned"
		}
	case errors.Is(context.Cause(tctx), errTrialTimeout):
		t.Status = StatusFailed
		t.Error = fmt.Sprintf("timed out after %v: %v", d.cfg.TrialTimeout, err)
		// The same work under the same limit: left to a later run, which
		// may allow it longer.
		permanent = true
	default:
		t.Status = StatusFailed
		t.Error = err.Error()
		permanent = errors.Is(err, ErrDeterministic)
	}
	return t, permanent
}

// callObjective calls the objective, turning a panic into an error with the
// panic message and a stack excerpt.
func callObjective(ctx context.Context, obj Objective, run *Run) (res *Result, err error, panicked bool) {
	defer func() {
		if p := recover(); p != nil {
			res, panicked = nil, true
			err = fmt.Errorf("panic: %v\n%s", p, stackExcerpt(debug.Stack()))
		}
	}()
	res, err = obj(ctx, run)
	return res, err, false
}

// stackExcerpt keeps the frames of a debug.Stack dump below the panic, at
// most 16 frames, so that the stored message stays short.
func stackExcerpt(stack []byte) string {
	lines := strings.Split(strings.TrimRight(string(stack), "\n"), "\n")
	// Skip the goroutine header and the frames of debug.Stack, the deferred
	// function and runtime.gopanic.
	start := 1
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") {
			start = i + 2
			break
		}
	}
	if start >= len(lines) {
		start = min(1, len(lines))
	}
	lines = lines[start:]
	if len(lines) > 32 {
		lines = append(lines[:32], "\t…")
	}
	return strings.Join(lines, "\n")
}

func lastFinite(v []float64) float64 {
	for i := len(v) - 1; i >= 0; i-- {
		if !math.IsNaN(v[i]) && !math.IsInf(v[i], 0) {
			return v[i]
		}
	}
	return math.NaN()
}

// finish records a trial's final state in memory and checks the target.
func (d *driver) finish(t Trial, again bool) {
	d.mu.Lock()
	d.running--
	running := d.running
	d.trials[t.Number], d.known[t.Number] = t, true
	if !again && t.Status != StatusInterrupted {
		d.finished = append(d.finished, t)
	}
	reached := false
	if t.Status == StatusComplete {
		reached = d.reached(t.Result.Value)
	}
	d.mu.Unlock()
	if d.cfg.OnEvent != nil {
		d.emit(Event{Kind: EventTrialFinished, Trial: t, Running: running, Retrying: again})
	}
	if reached {
		d.stop(StopTarget)
	}
}

// reached reports whether v reaches Config.Target.
func (d *driver) reached(v float64) bool {
	tg := d.cfg.Target
	return tg != nil && (v == *tg || d.study.Direction.Better(v, *tg))
}

func (d *driver) emit(ev Event) {
	if d.cfg.OnEvent == nil {
		return
	}
	d.evMu.Lock()
	defer d.evMu.Unlock()
	ev.Time = d.cfg.Clock()
	d.cfg.OnEvent(ev)
}

func (d *driver) summary(reason StopReason) Summary {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := Summary{Study: d.study, Started: d.started, Held: d.held, Reason: reason}
	n := 0
	for _, ok := range d.known {
		if ok {
			n++
		}
	}
	s.Trials = make([]Trial, 0, n)
	for k, t := range d.trials {
		if d.known[k] {
			s.Trials = append(s.Trials, t)
		}
	}
	for i := range s.Trials {
		t := &s.Trials[i]
		// Trials are in Number order, so ties keep the lowest Number.
		if t.Status == StatusComplete && t.Result != nil &&
			(s.Best == nil || d.study.Direction.Better(t.Result.Value, s.Best.Result.Value)) {
			s.Best = t
		}
	}
	if s.Best != nil {
		b := *s.Best
		s.Best = &b
	}
	return s
}

func reasonFor(ctx context.Context, err error) StopReason {
	if ctx.Err() != nil {
		return StopCancelled
	}
	if err != nil {
		return StopError
	}
	return StopDone
}

// storeCall names a store call in errors and logs; trial < 0 means none.
type storeCall struct {
	op    string
	trial int
}

func (c storeCall) String() string {
	if c.trial < 0 {
		return c.op
	}
	return c.op + " " + strconv.Itoa(c.trial)
}

// retryStore calls f until it succeeds, returns one of the store's sentinel
// errors, ctx ends, or cfg.StoreAttempts tries have failed; it waits between
// tries with exponential backoff and full jitter.
func retryStore[T any](ctx context.Context, d *driver, what storeCall, f func(context.Context) (T, error)) (T, error) {
	backoff := d.cfg.StoreBackoff
	for attempt := 1; ; attempt++ {
		v, err := f(ctx)
		if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrStudyExists) || errors.Is(err, ErrTrialFinished) || errors.Is(err, ErrTrialHeld) {
			return v, err
		}
		if ctx.Err() != nil {
			return v, fmt.Errorf("%s: %w", what, err)
		}
		if attempt >= d.cfg.StoreAttempts {
			return v, fmt.Errorf("store unreachable after %d attempts: %s: %w", attempt, what, err)
		}
		d.jitterMu.Lock()
		wait := time.Duration(d.jitter.Int64N(int64(backoff) + 1))
		d.jitterMu.Unlock()
		d.cfg.Log.Warn("store call failed; retrying", "call", what.String(), "attempt", attempt, "wait", wait, "error", err)
		tm := time.NewTimer(wait)
		select {
		case <-tm.C:
		case <-ctx.Done():
			tm.Stop()
			return v, fmt.Errorf("%s: %w (gave up: %w)", what, err, ctx.Err())
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}
