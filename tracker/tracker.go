// Package tracker owns what sweep records about studies and trials and how
// it is queried: the query types shared by the stores (LeaderboardQuery,
// Entry, StudySummary, TrialDetail), the metric columns a leaderboard may
// rank by, the JSON encoding that keeps NaN and ±Inf, CSV/JSON export and
// DSN helpers. The stores live in tracker/sqlite and tracker/postgres; both
// implement search.Store and the queries here, and tracker/storetest checks
// them with one conformance suite.
package tracker

import (
	"fmt"
	"time"

	"github.com/sweep-ml/sweep/search"
)

// LeaderboardQuery selects and ranks trials.
type LeaderboardQuery struct {
	// Study is the study name; empty ranks trials across all studies.
	Study string
	// Metric is the column to rank by: "value" (the study objective) or one
	// of MetricNames. Empty means "value".
	Metric string
	// Direction overrides the ranking direction. Nil means: the study's
	// direction for "value" (Maximize across studies), and for other
	// metrics DefaultDirection(Metric).
	Direction *search.Direction
	// Limit is the number of entries, 1 to 10000; 0 means 10.
	Limit int
	// Statuses are the statuses admitted; nil means complete only.
	Statuses []search.Status
	// Where keeps trials whose parameters satisfy every filter (see
	// ParamFilter).
	Where []ParamFilter
}

// ParamFilter is one condition on a trial's parameter: it equals Value,
// or, when Range is set, it is a number within Range.
type ParamFilter struct {
	// Name is the parameter's name.
	Name string
	// Value is the value the parameter must equal when Range is nil. Ints
	// and floats compare numerically (units=64 matches 64.0); strings and
	// bools compare exactly.
	Value search.Value
	// Range, when set, replaces Value: the parameter must be an int or a
	// float from Range.Min to Range.Max. A string or bool value never
	// matches, even one that reads as a number.
	Range *NumberRange
}

// NumberRange is the closed interval [Min, Max] of a ParamFilter. Both
// ends are finite and included; Min <= Max.
type NumberRange struct {
	Min, Max float64
}

// Entry is one ranked trial. Entries are ordered by Value in the query's
// direction (NaN and missing values last), then by val_loss ascending
// (NaN and missing last), then by TrialID ascending.
type Entry struct {
	TrialID int64
	StudyID int64
	Study   string
	Number  int
	Status  search.Status
	// Value is the ranked metric; NaN when the trial has none.
	Value float64
	// Objective is the study objective's value; NaN when none.
	Objective float64
	// Metrics holds the key metric columns the trial has (see
	// MetricNames), by name.
	Metrics map[string]float64
	Params  search.Params
}

// StudySummary is one line of the study list.
type StudySummary struct {
	Study search.Study
	// Trials is the number of trials in any status.
	Trials int
	// Counts holds the number of trials per status; statuses with no
	// trials are absent.
	Counts map[search.Status]int
	// Best is the best objective value among complete trials in the
	// study's direction, ignoring NaN; NaN when there is none.
	Best float64
	// BestTrialID is the ID of the trial holding Best, the top of the
	// study's leaderboard (ties broken as in Entry); 0 when there is none.
	BestTrialID int64
}

// TrialDetail is everything recorded about one trial.
type TrialDetail struct {
	Study search.Study
	// Trial carries the full Result: per-class rows and confusion
	// matrices (Evaluations), History and Code.
	Trial search.Trial
	// Worker, HeartbeatAt and LeaseExpiresAt are the lease columns of the
	// distributed mode: who last ran the trial and until when it holds it.
	Worker         string
	HeartbeatAt    time.Time
	LeaseExpiresAt time.Time
}

// Format is an export format.
type Format string

const (
	// CSV writes one header line and one line per trial.
	CSV Format = "csv"
	// JSON writes {"study": {...}, "trials": [...]}.
	JSON Format = "json"
)

// ParseFormat parses "csv" or "json".
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case CSV, JSON:
		return Format(s), nil
	}
	return "", fmt.Errorf("export format must be csv or json, got %q", s)
}
