// Package storetest is the conformance suite every sweep store passes: the
// search.Store contract (RunSearchStore), the tracker queries on top of it
// (Run) and, for SQL stores, the schema's views and cascades (RunViews).
// tracker/sqlite and tracker/postgres run Run and RunViews; an in-memory
// search.Store runs RunSearchStore.
package storetest

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
)

// Store is what the full suite needs: a search.Store plus the queries.
type Store interface {
	search.Store
	// Leaderboard ranks trials; see tracker.LeaderboardQuery.
	Leaderboard(ctx context.Context, q tracker.LeaderboardQuery) ([]tracker.Entry, error)
	// Studies lists the studies with counts and best values.
	Studies(ctx context.Context) ([]tracker.StudySummary, error)
	// Trial returns everything recorded about one trial.
	Trial(ctx context.Context, id int64) (tracker.TrialDetail, error)
	// Export writes a study as CSV or JSON.
	Export(ctx context.Context, study string, f tracker.Format, w io.Writer) error
}

// Hostile is the set of strings the suite writes as study names, parameter
// names and values, labels, hosts and errors; each must round-trip byte for
// byte.
var hostile = []string{
	`'; DROP TABLE trials; --`,
	`Robert'); DROP TABLE studies;--`,
	`"double" and 'single' quotes`,
	`semi;colon;`,
	`back\slash \\ \n (not a newline) \' \"`,
	"line\nbreak\ttab\rreturn",
	`100% _like_ wildcards % _`,
	`$1 ? ?1 :name @p $$`,
	"unicode: héllo wörld 你好 🙂 \u202eevil",
	"zero\u200bwidth\ufeffbom",
	`{"json": [1, 2], "nested": {"a": null}}`,
	`$.a[0] $."b" json path`,
	"  leading and trailing spaces  ",
	"$tag$ dollar $tag$ quoting",
	"-- comment /* block */",
	strings.Repeat("long", 300),
}

// nul is a string with a NUL byte: PostgreSQL text cannot hold it, so a
// store may refuse it with an error, but must never store something else.
const nul = "nul\x00byte"

// RunSearchStore runs the search.Store part of the suite. newStore returns
// a fresh, empty store for each subtest.
func RunSearchStore(t *testing.T, newStore func(t *testing.T) search.Store) {
	t.Run("CreateStudy", func(t *testing.T) { testCreateStudy(t, newStore(t)) })
	t.Run("StartTrial", func(t *testing.T) { testStartTrial(t, newStore(t)) })
	t.Run("GlobalTrialIDs", func(t *testing.T) { testGlobalIDs(t, newStore(t)) })
	t.Run("FinishTrial", func(t *testing.T) { testFinishTrial(t, newStore(t)) })
	t.Run("RetryReusesRow", func(t *testing.T) { testRetry(t, newStore(t)) })
	t.Run("StartTwice", func(t *testing.T) { testStartTwice(t, newStore(t)) })
	t.Run("FinishErrors", func(t *testing.T) { testFinishErrors(t, newStore(t)) })
	t.Run("NonFinite", func(t *testing.T) { testNonFinite(t, newStore(t)) })
	t.Run("Hostile", func(t *testing.T) { testHostile(t, newStore(t)) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, newStore(t)) })
}

// Run runs the whole suite: the search.Store part and the queries.
func Run(t *testing.T, newStore func(t *testing.T) Store) {
	RunSearchStore(t, func(t *testing.T) search.Store { return newStore(t) })
	t.Run("StaleAttempt", func(t *testing.T) { testStaleAttempt(t, newStore(t)) })
	t.Run("TrialDetail", func(t *testing.T) { testTrialDetail(t, newStore(t)) })
	t.Run("ReplacedRows", func(t *testing.T) { testReplacedRows(t, newStore(t)) })
	t.Run("NonFiniteDetail", func(t *testing.T) { testNonFiniteDetail(t, newStore(t)) })
	t.Run("Leaderboard", func(t *testing.T) { testLeaderboard(t, newStore(t)) })
	t.Run("LeaderboardFilters", func(t *testing.T) { testLeaderboardFilters(t, newStore(t)) })
	t.Run("LeaderboardErrors", func(t *testing.T) { testLeaderboardErrors(t, newStore(t)) })
	t.Run("HostileQueries", func(t *testing.T) { testHostileQueries(t, newStore(t)) })
	t.Run("Studies", func(t *testing.T) { testStudies(t, newStore(t)) })
	t.Run("Export", func(t *testing.T) { testExport(t, newStore(t)) })
}

// epoch is the base time of the suite; its nanoseconds check that stores
// keep at least microseconds.
var epoch = time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.FixedZone("X", 2*3600))

func newStudy(name string) search.Study {
	return search.Study{
		Name:               name,
		Spec:               []byte("name: " + name + "\nspace:\n  units: [16, 32]\n\x00\xff raw bytes"),
		Objective:          "val_macro_f1",
		Direction:          search.Maximize,
		Seed:               math.MaxUint64 - 7,
		DatasetFingerprint: "sha256:abc",
	}
}

func mustCreate(t *testing.T, s search.Store, st search.Study) search.Study {
	t.Helper()
	got, err := s.CreateStudy(context.Background(), st)
	if err != nil {
		t.Fatalf("CreateStudy(%q): %v", st.Name, err)
	}
	return got
}

func newTrial(studyID int64, number int) search.Trial {
	return search.Trial{
		StudyID:   studyID,
		Number:    number,
		Params:    search.Params{"units": search.Int(int64(16 << (number % 3))), "lr": search.Float(0.001 * float64(number+1)), "optimizer": search.String("adam"), "nesterov": search.Bool(number%2 == 0)},
		Seed:      uint64(number)*0x9E3779B97F4A7C15 + 1,
		Host:      "host-a",
		StartedAt: epoch.Add(time.Duration(number) * time.Second),
	}
}

func mustStart(t *testing.T, s search.Store, tr search.Trial) search.Trial {
	t.Helper()
	got, err := s.StartTrial(context.Background(), tr)
	if err != nil {
		t.Fatalf("StartTrial(study %d, number %d): %v", tr.StudyID, tr.Number, err)
	}
	return got
}

// fullResult builds a result with two evaluations of three classes and a
// history of epochs epochs; v varies the numbers.
func fullResult(v float64, epochs int) *search.Result {
	labels := []string{"setosa", "versicolor", "virginica"}
	r := &search.Result{
		Value: v,
		Values: map[string]float64{
			"val_macro_f1": v, "val_accuracy": v + 0.01, "val_balanced_accuracy": v - 0.01, "val_loss": 1 - v,
			"val_weighted_f1": v + 0.005, "test_macro_f1": v - 0.02, "test_accuracy": v - 0.015,
			"test_balanced_accuracy": v - 0.025, "test_loss": 1.1 - v, "test_weighted_f1": v - 0.018,
			"train_seconds": 12.5,
		},
		BestEpoch:           epochs - 1,
		EpochsRun:           epochs,
		StopReason:          "patience",
		PipelineFingerprint: "pipe:123",
		Code:                search.CodeVersion{Module: "github.com/sweep-ml/sweep v0.1.0", Revision: "deadbeef", Dirty: true, GoVersion: "go1.26.0", Platform: "linux/amd64 v3"},
	}
	for _, split := range []string{"val", "test"} {
		e := search.Evaluation{Split: split, Labels: labels, Confusion: [][]int{{10, 0, 1}, {2, 8, 0}, {0, 1, 9}}}
		for i, l := range labels {
			e.Classes = append(e.Classes, search.ClassMetrics{Label: l, Precision: v - 0.1*float64(i), Recall: v - 0.05*float64(i), F1: v - 0.07*float64(i), Support: 10 + i})
		}
		r.Evaluations = append(r.Evaluations, e)
	}
	for i := 1; i <= epochs; i++ {
		f := float64(i)
		r.History = append(r.History, search.Epoch{Epoch: i, TrainLoss: 1 / f, TrainAcc: 1 - 1/(f+1), ValLoss: 1.1 / f, ValAcc: 1 - 1.1/(f+1), ValMacroF1: v * f / float64(epochs), Seconds: 0.25 * f})
	}
	return r
}

func finish(t *testing.T, s search.Store, tr search.Trial, status search.Status, r *search.Result) search.Trial {
	t.Helper()
	tr.Status = status
	tr.Result = r
	tr.FinishedAt = tr.StartedAt.Add(90 * time.Second)
	if r != nil {
		for _, e := range r.History {
			tr.Intermediate = append(tr.Intermediate, e.ValMacroF1)
		}
	}
	if status == search.StatusFailed {
		tr.Error = "diverged at epoch 3, batch 7"
	}
	if err := s.FinishTrial(context.Background(), tr); err != nil {
		t.Fatalf("FinishTrial(%d, %s): %v", tr.ID, status, err)
	}
	return tr
}

// describe prints a trial with NaN-aware float formatting, times in UTC to
// the microsecond and nil and empty slices alike, for comparison.
func describe(tr search.Trial, details bool) string {
	norm := func(t time.Time) string {
		if t.IsZero() {
			return "zero"
		}
		return t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
	}
	res := "nil"
	if r := tr.Result; r != nil {
		c := *r
		if !details {
			c.History, c.Evaluations = nil, nil
		}
		res = fmt.Sprintf("%+v", c)
	}
	return fmt.Sprintf("id=%d study=%d number=%d status=%s params=%v seed=%d attempt=%d intermediate=%v error=%q host=%q started=%s finished=%s result=%s",
		tr.ID, tr.StudyID, tr.Number, tr.Status, tr.Params, tr.Seed, tr.Attempt, tr.Intermediate, tr.Error, tr.Host,
		norm(tr.StartedAt), norm(tr.FinishedAt), res)
}

func describeStudy(st search.Study) string {
	return fmt.Sprintf("id=%d name=%q spec=%q objective=%q direction=%s seed=%d fingerprint=%q created=%s",
		st.ID, st.Name, st.Spec, st.Objective, st.Direction, st.Seed, st.DatasetFingerprint,
		st.CreatedAt.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano))
}

func trialsOf(t *testing.T, s search.Store, studyID int64) []search.Trial {
	t.Helper()
	ts, err := s.Trials(context.Background(), studyID)
	if err != nil {
		t.Fatalf("Trials(%d): %v", studyID, err)
	}
	return ts
}

func sameFloat(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}
