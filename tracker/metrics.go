package tracker

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/sweep-ml/sweep/search"
)

// metricNames are the metric columns of the trials table, in table order.
// Result.Values entries with these names are written to their column; all
// entries are also kept in the metrics JSON column.
var metricNames = [...]string{
	"val_macro_f1", "val_accuracy", "val_balanced_accuracy", "val_loss", "val_weighted_f1",
	"test_macro_f1", "test_accuracy", "test_balanced_accuracy", "test_loss", "test_weighted_f1",
}

// MetricNames returns the metric columns a trial row has and a leaderboard
// can rank by (besides "value", the study objective), in table order.
func MetricNames() []string { return slices.Clone(metricNames[:]) }

// IsMetric reports whether name is one of MetricNames.
func IsMetric(name string) bool { return slices.Contains(metricNames[:], name) }

// DefaultDirection is the natural direction of a metric: losses minimize,
// everything else maximizes.
func DefaultDirection(metric string) search.Direction {
	if strings.HasSuffix(metric, "loss") {
		return search.Minimize
	}
	return search.Maximize
}

// Max and default of LeaderboardQuery.Limit.
const (
	DefaultLimit = 10
	MaxLimit     = 10000
)

// LeaderboardPlan is a LeaderboardQuery with its defaults resolved, ready
// for a store to turn into SQL. Column is safe to splice into SQL: it is
// either "value" or one of MetricNames.
type LeaderboardPlan struct {
	Column    string
	Direction search.Direction
	Limit     int
	Statuses  []string
	Where     []ParamFilter
}

// Plan validates q and resolves its defaults. study is the queried study
// (nil when q ranks across studies). Errors name the offending field.
func (q LeaderboardQuery) Plan(study *search.Study) (LeaderboardPlan, error) {
	p := LeaderboardPlan{Column: q.Metric, Limit: q.Limit, Where: q.Where}
	switch {
	case p.Column == "" || p.Column == "value" || p.Column == "objective":
		p.Column = "value"
	case study != nil && p.Column == study.Objective:
		p.Column = study.Objective
	case !IsMetric(p.Column):
		return p, fmt.Errorf("leaderboard metric: unknown metric %q (want value or one of %s)",
			q.Metric, strings.Join(metricNames[:], ", "))
	}
	switch {
	case q.Direction != nil:
		if *q.Direction != search.Maximize && *q.Direction != search.Minimize {
			return p, fmt.Errorf("leaderboard direction: invalid direction %d", int(*q.Direction))
		}
		p.Direction = *q.Direction
	case study != nil && (p.Column == "value" || p.Column == study.Objective):
		p.Direction = study.Direction
	case p.Column == "value":
		p.Direction = search.Maximize
	default:
		p.Direction = DefaultDirection(p.Column)
	}
	if study != nil && p.Column == study.Objective && !IsMetric(p.Column) {
		p.Column = "value"
	}
	switch {
	case p.Limit == 0:
		p.Limit = DefaultLimit
	case p.Limit < 0 || p.Limit > MaxLimit:
		return p, fmt.Errorf("leaderboard limit: %d is outside 1..%d", q.Limit, MaxLimit)
	}
	statuses := q.Statuses
	if statuses == nil {
		statuses = []search.Status{search.StatusComplete}
	}
	for _, s := range statuses {
		if s < search.StatusQueued || s > search.StatusInterrupted {
			return p, fmt.Errorf("leaderboard statuses: invalid status %d", int(s))
		}
		if name := s.String(); !slices.Contains(p.Statuses, name) {
			p.Statuses = append(p.Statuses, name)
		}
	}
	if len(p.Statuses) == 0 {
		return p, fmt.Errorf("leaderboard statuses: empty list admits no trial")
	}
	for i, f := range q.Where {
		if f.Name == "" {
			return p, fmt.Errorf("leaderboard where[%d]: empty parameter name", i)
		}
		if r := f.Range; r != nil {
			switch {
			case math.IsNaN(r.Min) || math.IsInf(r.Min, 0) || math.IsNaN(r.Max) || math.IsInf(r.Max, 0):
				return p, fmt.Errorf("leaderboard where[%d] (%s): range [%v, %v] is not finite", i, f.Name, r.Min, r.Max)
			case r.Min > r.Max:
				return p, fmt.Errorf("leaderboard where[%d] (%s): range [%v, %v] is empty: min is above max", i, f.Name, r.Min, r.Max)
			}
			continue
		}
		if f.Value.Kind < search.KindString || f.Value.Kind > search.KindBool {
			return p, fmt.Errorf("leaderboard where[%d] (%s): invalid value kind %d", i, f.Name, int(f.Value.Kind))
		}
	}
	return p, nil
}

// SplitMetrics returns the values for the metric columns (in MetricNames
// order, nil where the map has no entry) from a Result.Values map.
func SplitMetrics(values map[string]float64) [len(metricNames)]*float64 {
	var cols [len(metricNames)]*float64
	for i, n := range metricNames {
		if v, ok := values[n]; ok {
			cols[i] = &v
		}
	}
	return cols
}
