package search

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"time"
)

// Config drives one call of Optimize. The scalar fields can be filled from a
// spec file; a zero value means "the default" (given in brackets), and for
// MaxRetries and Grace a negative value means "none" / "no limit".
type Config struct {
	// Parallel is how many trials run at once [runtime.NumCPU()].
	Parallel int
	// MaxTrials is how many trials the study has in all, counting those an
	// earlier run recorded. Default and upper bound: the sampler's Size
	// (Grid); a sampler without a Size (Random) requires it.
	MaxTrials int
	// Deadline is the wall-clock budget of this call, e.g. 8h [none]. When it
	// passes, scheduling stops as after Stop, and running trials get Grace.
	Deadline time.Duration
	// TrialTimeout bounds one attempt of a trial [none]; a trial that runs
	// out of it is recorded as failed.
	TrialTimeout time.Duration
	// Target, when set, stops scheduling once a complete trial's value
	// reaches it (≥ when maximizing, ≤ when minimizing), including a trial
	// of an earlier run; running trials get Grace to finish, as after Stop.
	Target *float64
	// MaxRetries is how many times a failed trial is started again, in this
	// call or a later one [1]; negative: never. Interruptions count as
	// attempts, so a trial interrupted and then failing has fewer retries
	// left. A failure wrapping ErrDeterministic is retried only by a later
	// call (after the code or the spec changed), never at once.
	MaxRetries int
	// Grace is how long running trials may still run after scheduling has
	// stopped (Stop closed, Deadline passed) before they are cancelled and
	// recorded as interrupted [1m]; negative: until they end or ctx is
	// cancelled.
	Grace time.Duration
	// Pruner stops unpromising trials early through Run.Report [nil: none].
	Pruner Pruner
	// Code is written into every Result whose Code is empty
	// [BuildCodeVersion()].
	Code CodeVersion
	// Host is recorded on every trial [os.Hostname()].
	Host string
	// StoreAttempts is how many times one store call is tried before the
	// sweep stops with an error [5].
	StoreAttempts int
	// StoreBackoff is the wait before the first retry of a store call
	// [100ms]; it doubles per retry up to 10 s, with full jitter.
	StoreBackoff time.Duration

	// Stop, when closed, stops scheduling new trials: the first Ctrl-C.
	// Running trials get Grace to finish. Cancelling ctx (the second Ctrl-C)
	// cancels them at once. Nil: never.
	Stop <-chan struct{}
	// Clock stamps StartedAt and FinishedAt [time.Now]. Deadlines and grace
	// periods use the runtime's timers (testable with testing/synctest).
	Clock func() time.Time
	// OnEvent receives progress events; calls never overlap, and a slow
	// OnEvent slows the sweep. Nil: none.
	OnEvent func(Event)
	// Log receives diagnostics (retries, store errors) [discard].
	Log *slog.Logger
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.Parallel == 0 {
		c.Parallel = runtime.NumCPU()
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 1
	}
	if c.Grace == 0 {
		c.Grace = time.Minute
	}
	if c.Code == (CodeVersion{}) {
		c.Code = BuildCodeVersion()
	}
	if c.Host == "" {
		if h, err := os.Hostname(); err == nil {
			c.Host = h
		}
	}
	if c.StoreAttempts == 0 {
		c.StoreAttempts = 5
	}
	if c.StoreBackoff == 0 {
		c.StoreBackoff = 100 * time.Millisecond
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c
}

// Validate checks the configuration after WithDefaults; errors name the
// field.
func (c Config) Validate() error {
	var errs []error
	if c.Parallel < 1 {
		errs = append(errs, fmt.Errorf("parallel: must be ≥ 1, got %d", c.Parallel))
	}
	if c.MaxTrials < 0 {
		errs = append(errs, fmt.Errorf("max_trials: must be ≥ 0, got %d", c.MaxTrials))
	}
	if c.Deadline < 0 {
		errs = append(errs, fmt.Errorf("deadline: must be ≥ 0, got %v", c.Deadline))
	}
	if c.TrialTimeout < 0 {
		errs = append(errs, fmt.Errorf("trial_timeout: must be ≥ 0, got %v", c.TrialTimeout))
	}
	if c.Target != nil && (math.IsNaN(*c.Target) || math.IsInf(*c.Target, 0)) {
		errs = append(errs, fmt.Errorf("target: must be finite, got %v", *c.Target))
	}
	if c.StoreAttempts < 1 {
		errs = append(errs, fmt.Errorf("store_attempts: must be ≥ 1, got %d", c.StoreAttempts))
	}
	if c.StoreBackoff < 0 {
		errs = append(errs, fmt.Errorf("store_backoff: must be ≥ 0, got %v", c.StoreBackoff))
	}
	if c.Clock == nil {
		errs = append(errs, errors.New("clock: nil (call WithDefaults)"))
	}
	if c.Log == nil {
		errs = append(errs, errors.New("log: nil (call WithDefaults)"))
	}
	return errors.Join(errs...)
}

// BuildCodeVersion describes the running binary from runtime/debug build
// information: module path and version, VCS revision and modified flag (when
// built with VCS stamping), Go version, and GOOS/GOARCH with the GOAMD64 (or
// GOARM64, …) level where set, as "linux/amd64/v3".
func BuildCodeVersion() CodeVersion {
	cv := CodeVersion{
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return cv
	}
	if bi.GoVersion != "" {
		cv.GoVersion = bi.GoVersion
	}
	if bi.Main.Path != "" {
		cv.Module = bi.Main.Path
		if bi.Main.Version != "" {
			cv.Module += "@" + bi.Main.Version
		}
	}
	goos, goarch, level := runtime.GOOS, runtime.GOARCH, ""
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			cv.Revision = s.Value
		case "vcs.modified":
			cv.Dirty = s.Value == "true"
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		case "GOAMD64", "GOARM64", "GOARM", "GO386", "GOPPC64", "GORISCV64":
			level = s.Value
		}
	}
	cv.Platform = goos + "/" + goarch
	if level != "" {
		cv.Platform += "/" + level
	}
	return cv
}

// EventKind says what an Event reports.
type EventKind int

const (
	// EventTrialStarted: a trial attempt started (Event.Trial is running,
	// with its ID and Attempt).
	EventTrialStarted EventKind = iota + 1
	// EventEpoch: a running trial reported an epoch (Epoch, Value, Prune).
	EventEpoch
	// EventTrialFinished: a trial attempt ended (Event.Trial holds its final
	// state as written to the store).
	EventTrialFinished
	// EventStopping: scheduling stopped (Reason); Running trials remain.
	EventStopping
)

// String returns the kind's name.
func (k EventKind) String() string {
	switch k {
	case EventTrialStarted:
		return "trial_started"
	case EventEpoch:
		return "epoch"
	case EventTrialFinished:
		return "trial_finished"
	case EventStopping:
		return "stopping"
	}
	return fmt.Sprintf("event(%d)", int(k))
}

// Event is one progress report of the driver, for drawing progress.
type Event struct {
	Kind EventKind
	Time time.Time
	// Trial is the trial concerned (for EventEpoch: ID, Number, Attempt,
	// Params and Seed only).
	Trial Trial
	// Epoch, Value and Prune are set for EventEpoch: the pruner's verdict.
	Epoch int
	Value float64
	Prune bool
	// Retrying is set on EventTrialFinished when the trial failed and starts
	// again at once (a new attempt of the same Number).
	Retrying bool
	// Reason is set for EventStopping.
	Reason StopReason
	// Running is the number of trial attempts running after this event.
	Running int
}

// StopReason says why Optimize stopped scheduling trials.
type StopReason string

const (
	// StopDone: every trial up to MaxTrials reached a final status.
	StopDone StopReason = "done"
	// StopTarget: a complete trial reached Config.Target.
	StopTarget StopReason = "target"
	// StopDeadline: Config.Deadline passed.
	StopDeadline StopReason = "deadline"
	// StopSignal: Config.Stop was closed.
	StopSignal StopReason = "stopped"
	// StopCancelled: ctx was cancelled.
	StopCancelled StopReason = "cancelled"
	// StopError: an infrastructure error (the store) ended the sweep.
	StopError StopReason = "error"
)
