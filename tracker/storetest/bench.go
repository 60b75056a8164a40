package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
)

// BenchResult is the result the recording benchmarks write: 100 epoch
// rows and a val and a test evaluation of 10 classes each (20 class rows,
// two 10×10 confusion matrices).
func BenchResult() *search.Result {
	const classes, epochs = 10, 100
	labels := make([]string, classes)
	for i := range labels {
		labels[i] = fmt.Sprintf("class-%d", i)
	}
	r := &search.Result{
		Value: 0.9, Values: map[string]float64{"val_macro_f1": 0.9, "val_accuracy": 0.91, "val_loss": 0.3, "test_macro_f1": 0.88, "test_accuracy": 0.9, "test_loss": 0.32},
		BestEpoch: 90, EpochsRun: epochs, StopReason: "max_epochs", PipelineFingerprint: "pipe",
		Code: search.CodeVersion{Module: "m", Revision: "r", GoVersion: "go1.26", Platform: "linux/amd64"},
	}
	for _, split := range []string{"val", "test"} {
		e := search.Evaluation{Split: split, Labels: labels, Confusion: make([][]int, classes)}
		for i := range classes {
			e.Confusion[i] = make([]int, classes)
			e.Confusion[i][i] = 20
			e.Classes = append(e.Classes, search.ClassMetrics{Label: labels[i], Precision: 0.9, Recall: 0.8, F1: 0.85, Support: 20})
		}
		r.Evaluations = append(r.Evaluations, e)
	}
	for i := 1; i <= epochs; i++ {
		r.History = append(r.History, search.Epoch{Epoch: i, TrainLoss: 1 / float64(i), TrainAcc: 0.5, ValLoss: 1.1 / float64(i), ValAcc: 0.5, ValMacroF1: 0.5, Seconds: 0.01})
	}
	return r
}

// BenchmarkFinishTrial measures FinishTrial of one trial with BenchResult
// (StartTrial runs outside the timer); BenchmarkStartFinish measures both.
func BenchmarkFinishTrial(b *testing.B, s search.Store) { benchRecord(b, s, false) }

// BenchmarkStartFinish measures StartTrial plus FinishTrial of one trial
// with BenchResult: what the driver spends on the store per trial.
func BenchmarkStartFinish(b *testing.B, s search.Store) { benchRecord(b, s, true) }

func benchRecord(b *testing.B, s search.Store, withStart bool) {
	ctx := context.Background()
	st, err := s.CreateStudy(ctx, search.Study{Name: fmt.Sprintf("bench-record-%v-%d", withStart, time.Now().UnixNano()), Objective: "val_macro_f1"})
	if err != nil {
		b.Fatal(err)
	}
	r := BenchResult()
	n := 0
	for b.Loop() {
		if !withStart {
			b.StopTimer()
		}
		tr, err := s.StartTrial(ctx, search.Trial{StudyID: st.ID, Number: n, Params: search.Params{"units": search.Int(64)}, StartedAt: time.Now()})
		if err != nil {
			b.Fatal(err)
		}
		if !withStart {
			b.StartTimer()
		}
		tr.Status, tr.Result, tr.FinishedAt = search.StatusComplete, r, time.Now()
		if err := s.FinishTrial(ctx, tr); err != nil {
			b.Fatal(err)
		}
		n++
	}
}

// BenchmarkLeaderboard measures the top 10 of study by its objective.
func BenchmarkLeaderboard(b *testing.B, s Store, study string) {
	ctx := context.Background()
	q := tracker.LeaderboardQuery{Study: study, Limit: 10}
	es, err := s.Leaderboard(ctx, q)
	if err != nil || len(es) != 10 {
		b.Fatalf("Leaderboard: %d entries, %v", len(es), err)
	}
	for b.Loop() {
		if _, err := s.Leaderboard(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}
