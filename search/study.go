package search

import (
	"fmt"
	"time"
)

// Direction says whether the objective is to be maximized or minimized.
type Direction int

const (
	// Maximize ranks higher values first (macro-F1, accuracy).
	Maximize Direction = iota
	// Minimize ranks lower values first (loss).
	Minimize
)

// String returns "maximize" or "minimize".
func (d Direction) String() string {
	if d == Minimize {
		return "minimize"
	}
	return "maximize"
}

// ParseDirection parses "maximize" or "minimize".
func ParseDirection(s string) (Direction, error) {
	switch s {
	case "maximize":
		return Maximize, nil
	case "minimize":
		return Minimize, nil
	}
	return 0, fmt.Errorf("direction must be maximize or minimize, got %q", s)
}

// Better reports whether a is strictly better than b in direction d. NaN is
// never better than anything, and anything finite is better than NaN.
func (d Direction) Better(a, b float64) bool {
	if a != a {
		return false
	}
	if b != b {
		return true
	}
	if d == Minimize {
		return a < b
	}
	return a > b
}

// Study is a named search: one spec, one objective, many trials.
type Study struct {
	ID   int64
	Name string
	// Spec is the spec file exactly as given, so that any trial can be
	// rebuilt from the study alone.
	Spec []byte
	// Objective names the metric the search optimizes, e.g. "val_macro_f1".
	Objective string
	Direction Direction
	// Seed is the study seed; trial k's seed is derived from (Seed, k).
	Seed uint64
	// DatasetFingerprint identifies the data file and loading options.
	DatasetFingerprint string
	CreatedAt          time.Time
}
