package search

import (
	"fmt"
	"time"
)

// Status is a trial's place in its lifecycle:
//
//	queued → running → complete | pruned | failed | interrupted
//
// interrupted and failed trials may run again (a new attempt on the same row).
type Status int

const (
	// StatusQueued: known but never started.
	StatusQueued Status = iota
	// StatusRunning: an attempt is under way (or its process died: a stale
	// running trial, rerun on resume).
	StatusRunning
	// StatusComplete: the objective returned a result.
	StatusComplete
	// StatusPruned: stopped early by the pruner; the result is partial.
	StatusPruned
	// StatusFailed: the objective failed or panicked; retried up to a limit.
	StatusFailed
	// StatusInterrupted: cancelled by the driver (Ctrl-C, grace period,
	// infrastructure failure); rerun on resume.
	StatusInterrupted
)

var statusNames = [...]string{"queued", "running", "complete", "pruned", "failed", "interrupted"}

// String returns the status as stored: "queued", "running", "complete",
// "pruned", "failed" or "interrupted".
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("status(%d)", int(s))
	}
	return statusNames[s]
}

// ParseStatus is the inverse of Status.String.
func ParseStatus(s string) (Status, error) {
	for i, n := range statusNames {
		if n == s {
			return Status(i), nil
		}
	}
	return 0, fmt.Errorf("unknown trial status %q", s)
}

// Finished reports whether the trial will not run again on resume.
func (s Status) Finished() bool { return s == StatusComplete || s == StatusPruned }

// Trial is one configuration of a study, evaluated once per attempt.
type Trial struct {
	// ID is global across studies: what users type (`sweep show 1234`).
	ID      int64
	StudyID int64
	// Number is k, the trial's index within its study, from 0.
	Number  int
	Status  Status
	Params  Params
	Seed    uint64
	Attempt int
	// Intermediate holds the value reported at each epoch (index 0 is
	// epoch 1), as used by pruners.
	Intermediate []float64
	// Result is nil until the objective returned one; a failed trial may
	// still carry a partial result.
	Result *Result
	// Error is the failure or interruption message; empty otherwise.
	Error      string
	Host       string
	StartedAt  time.Time
	FinishedAt time.Time
}

// Result is what an objective returns for one trial.
type Result struct {
	// Value is the objective value the study optimizes.
	Value float64
	// Values holds every scalar metric by name, e.g. "val_macro_f1",
	// "test_accuracy", "val_loss". Value is also Values[study objective].
	Values map[string]float64
	// BestEpoch is the epoch whose weights were kept (from 1); EpochsRun
	// is how many ran.
	BestEpoch  int
	EpochsRun  int
	StopReason string
	// Evaluations holds the detailed evaluation of each split ("val",
	// "test").
	Evaluations []Evaluation
	History     []Epoch
	// PipelineFingerprint identifies the fitted preprocessing pipeline.
	PipelineFingerprint string
	// Code records the build that produced the result.
	Code CodeVersion
}

// Evaluation is the classification report of one data split.
type Evaluation struct {
	Split     string // "val" or "test"
	Labels    []string
	Classes   []ClassMetrics // in Labels order
	Confusion [][]int        // Confusion[true][predicted], in Labels order
}

// ClassMetrics is one row of a classification report.
type ClassMetrics struct {
	Label     string
	Precision float64
	Recall    float64
	F1        float64
	Support   int
}

// Epoch is one row of a trial's training history.
type Epoch struct {
	Epoch      int // from 1
	TrainLoss  float64
	TrainAcc   float64
	ValLoss    float64
	ValAcc     float64
	ValMacroF1 float64
	Seconds    float64
}

// CodeVersion identifies the build that ran a trial.
type CodeVersion struct {
	Module    string // module path and version
	Revision  string // VCS revision
	Dirty     bool
	GoVersion string
	Platform  string // GOOS/GOARCH plus GOAMD64 level where set
}
