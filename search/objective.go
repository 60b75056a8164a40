package search

import (
	"context"
	"errors"
	"math"
	"slices"
	"sync"
)

// ErrPruned is returned (wrapped) by an objective that stopped early because
// Run.Report said so; the trial is recorded as pruned, with the epochs it
// reported, and any partial Result it returned alongside.
var ErrPruned = errors.New("trial pruned")

// ErrDeterministic marks (wrapped, see Deterministic) an objective error
// that would recur on a retry with the same params and seed: a diverging
// model, data the configuration cannot use. The trial is recorded as failed
// and not retried within the run.
var ErrDeterministic = errors.New("deterministic failure")

// Deterministic wraps err as an ErrDeterministic failure; the message stays
// err's. A nil err stays nil.
func Deterministic(err error) error {
	if err == nil {
		return nil
	}
	return deterministicError{err}
}

type deterministicError struct{ err error }

func (e deterministicError) Error() string { return e.err.Error() }

func (e deterministicError) Unwrap() []error { return []error{e.err, ErrDeterministic} }

// Objective trains and evaluates one trial. It must honour ctx: when ctx is
// cancelled (a second Ctrl-C, the grace period ending, a trial timeout) it
// should return promptly, with ctx's error or a wrapped one.
//
// Outcomes: (result, nil) → complete; (partial or nil, error wrapping
// ErrPruned) → pruned; any other error → failed with its message, retried
// in the run while Config.MaxRetries allows unless it wraps
// ErrDeterministic; a panic →
// failed with the panic message and a stack excerpt; ctx cancelled by the
// driver → interrupted (whatever the objective returned, never complete).
type Objective func(ctx context.Context, run *Run) (*Result, error)

// Run is the objective's handle on its trial. Number, Params, Seed and Attempt
// are read-only; Report may be called from any goroutine.
type Run struct {
	// Number is k, the trial's index within its study.
	Number int
	// Params are the trial's parameter values.
	Params Params
	// Seed is the trial seed, TrialSeed(study seed, Number); every random
	// step of the objective derives from it.
	Seed uint64
	// Attempt counts the starts of this trial, from 1.
	Attempt int

	mu           sync.Mutex
	intermediate []float64
	report       func(epoch int, value float64, intermediate []float64) bool
}

// NewRun returns a Run for calling an objective outside the driver, for
// instance to reproduce one trial; Report on it never prunes.
func NewRun(number int, params Params, seed uint64) *Run {
	return &Run{Number: number, Params: params, Seed: seed, Attempt: 1}
}

// Report records the objective value reached at an epoch (from 1) and
// returns the pruner's verdict: true means the trial should stop now and
// return an error wrapping ErrPruned. Epochs are expected in increasing
// order; a repeated or earlier epoch replaces the values from that epoch on.
func (r *Run) Report(epoch int, value float64) (prune bool) {
	if epoch < 1 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if epoch-1 < len(r.intermediate) {
		r.intermediate = r.intermediate[:epoch-1]
	}
	for len(r.intermediate) < epoch-1 {
		r.intermediate = append(r.intermediate, math.NaN())
	}
	r.intermediate = append(r.intermediate, value)
	if r.report == nil {
		return false
	}
	return r.report(epoch, value, r.intermediate)
}

// Intermediate returns a copy of the values reported so far (index 0 is
// epoch 1; epochs never reported hold NaN).
func (r *Run) Intermediate() []float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.intermediate)
}

// Pruner decides whether a running trial should stop at an epoch.
//
// values are the trial's reports so far (index 0 is epoch 1, the last one is
// epoch's); finished are the study's trials that reached a final status, as
// for Sampler. Neither may be modified or kept. Prune is called concurrently
// from running trials.
type Pruner interface {
	Prune(d Direction, epoch int, values []float64, finished []Trial) bool
}

// MedianPruner is the median stopping rule as Optuna's MedianPruner applies
// it: at epoch e, a trial is pruned when its best value so far is worse than
// the median of the values that complete trials reported at epoch e.
//
// The rule depends on which trials have finished when a trial reports, so
// with a pruner the set of pruned trials (and their metrics) can depend on
// parallelism and timing; without one, results do not.
type MedianPruner struct {
	// WarmupTrials is how many trials must be complete before any trial is
	// pruned.
	WarmupTrials int
	// WarmupEpochs is how many epochs a trial runs before it can be pruned.
	WarmupEpochs int
	// MinTrials is how many complete trials must have reported the epoch for
	// the median to count [1].
	MinTrials int
}

// Prune applies the median stopping rule.
func (m MedianPruner) Prune(d Direction, epoch int, values []float64, finished []Trial) bool {
	if epoch <= m.WarmupEpochs || len(values) == 0 {
		return false
	}
	complete := 0
	var at []float64
	for i := range finished {
		t := &finished[i]
		if t.Status != StatusComplete {
			continue
		}
		complete++
		if epoch-1 < len(t.Intermediate) {
			if v := t.Intermediate[epoch-1]; v == v {
				at = append(at, v)
			}
		}
	}
	if complete < m.WarmupTrials || len(at) < max(m.MinTrials, 1) {
		return false
	}
	best := math.NaN()
	for _, v := range values {
		if d.Better(v, best) {
			best = v
		}
	}
	if best != best {
		return true // nothing but NaN so far: diverged
	}
	slices.Sort(at)
	n := len(at)
	median := at[n/2]
	if n%2 == 0 {
		median = (at[n/2-1] + at[n/2]) / 2
	}
	return d.Better(median, best)
}
