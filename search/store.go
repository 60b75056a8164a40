package search

import (
	"context"
	"errors"
)

// Errors that every Store translates its backend's errors into, so that the
// driver can tell them apart with errors.Is.
var (
	// ErrNotFound: the study or trial does not exist.
	ErrNotFound = errors.New("not found")
	// ErrStudyExists: a study of that name already exists.
	ErrStudyExists = errors.New("study already exists")
	// ErrTrialFinished: the trial is complete or pruned and cannot be started again.
	ErrTrialFinished = errors.New("trial already finished")
	// ErrTrialHeld: another process is running the trial and its lease
	// has not expired; the trial is not started again.
	ErrTrialHeld = errors.New("trial is running in another process")
)

// Store is what the driver needs from a tracker. Implementations must be safe
// for concurrent use; every method is one short transaction (none is held
// open while a trial trains).
type Store interface {
	// CreateStudy inserts a new study and returns it with ID and CreatedAt
	// set. A name already taken gives ErrStudyExists.
	CreateStudy(ctx context.Context, s Study) (Study, error)
	// StudyByName returns the study with that name, or ErrNotFound.
	StudyByName(ctx context.Context, name string) (Study, error)
	// Trials returns every trial of the study ordered by Number. Results are
	// filled in as far as the driver needs them to resume and to sample
	// (status, params, seed, Values, Intermediate, attempt); History,
	// per-class rows and confusion matrices may be left empty.
	Trials(ctx context.Context, studyID int64) ([]Trial, error)
	// StartTrial marks trial t.Number of study t.StudyID as running with
	// t.Params, t.Seed, t.Host and t.StartedAt, inserting it when it does
	// not exist yet and otherwise reusing its row and ID with Attempt
	// incremented. A trial that is complete or pruned gives
	// ErrTrialFinished; one running under another process's unexpired
	// lease gives ErrTrialHeld. The returned trial carries the ID and
	// Attempt.
	StartTrial(ctx context.Context, t Trial) (Trial, error)
	// FinishTrial records the final state of a started trial (status,
	// result, error, timings) in one transaction, replacing any rows a
	// previous attempt left. A trial not running gives ErrTrialFinished.
	FinishTrial(ctx context.Context, t Trial) error
}
