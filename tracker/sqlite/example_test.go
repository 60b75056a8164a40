package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
	"github.com/sweep-ml/sweep/tracker/sqlite"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "sweep-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "sweep.db"), sqlite.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	study, _ := s.CreateStudy(ctx, search.Study{Name: "iris", Objective: "val_macro_f1", Seed: 1})
	for k, units := range []int64{16, 64, 32} {
		tr, _ := s.StartTrial(ctx, search.Trial{StudyID: study.ID, Number: k, Params: search.Params{"units": search.Int(units)}, StartedAt: time.Now()})
		f1 := 0.8 + float64(units)/1000
		tr.Status, tr.FinishedAt = search.StatusComplete, time.Now()
		tr.Result = &search.Result{Value: f1, Values: map[string]float64{"val_macro_f1": f1, "val_loss": 1 - f1}}
		if err := s.FinishTrial(ctx, tr); err != nil {
			fmt.Println(err)
		}
	}
	top, _ := s.Leaderboard(ctx, tracker.LeaderboardQuery{Study: "iris", Limit: 2})
	for _, e := range top {
		fmt.Printf("trial %d (k=%d) %s: %.3f\n", e.TrialID, e.Number, e.Params, e.Value)
	}
	// Output:
	// trial 2 (k=1) units=64: 0.864
	// trial 3 (k=2) units=32: 0.832
}
