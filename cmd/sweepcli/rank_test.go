package sweepcli

import (
	"io"
	"math"
	"testing"

	"github.com/sweep-ml/sweep/search"
)

func TestCompareRank(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name string
		d    search.Direction
		a, b rankKey
		want int
	}{
		{"higher objective first", search.Maximize, rankKey{0.9, 0.5, 2}, rankKey{0.8, 0.1, 1}, -1},
		{"lower objective first when minimizing", search.Minimize, rankKey{0.9, 0.1, 1}, rankKey{0.8, 0.5, 2}, 1},
		{"tie broken by lower val_loss", search.Maximize, rankKey{0.9, 0.4, 2}, rankKey{0.9, 0.5, 1}, -1},
		{"tie on both broken by lower ID", search.Maximize, rankKey{0.9, 0.5, 2}, rankKey{0.9, 0.5, 1}, 1},
		{"NaN objective last", search.Maximize, rankKey{nan, 0.1, 1}, rankKey{0.1, 0.9, 2}, 1},
		{"NaN objective last when minimizing", search.Minimize, rankKey{0.1, 0.9, 2}, rankKey{nan, 0.1, 1}, -1},
		{"NaN val_loss last", search.Maximize, rankKey{0.9, nan, 1}, rankKey{0.9, 0.5, 2}, 1},
		{"same trial", search.Maximize, rankKey{0.9, 0.5, 1}, rankKey{0.9, 0.5, 1}, 0},
	}
	for _, tc := range tests {
		if got := compareRank(tc.d, tc.a, tc.b); got != tc.want {
			t.Errorf("%s: compareRank(%v, %+v, %+v) = %d, want %d", tc.name, tc.d, tc.a, tc.b, got, tc.want)
		}
	}
}

// TestProgressBestTies checks that the best trial the progress lines name
// is the one the leaderboard ranks first when two trials tie on the
// objective and the validation loss: the lower ID, whichever finished
// first.
func TestProgressBestTies(t *testing.T) {
	t.Parallel()
	p := newProgress(io.Discard, Env{}.withDefaults(), 2, search.Maximize, "val_macro_f1")
	for _, id := range []int64{5, 3} {
		p.event(search.Event{Kind: search.EventTrialFinished, Trial: search.Trial{ID: id, Number: int(id), Status: search.StatusComplete,
			Result: &search.Result{Value: 0.9, Values: map[string]float64{"val_loss": 0.5}}}})
	}
	if p.best.id != 3 {
		t.Errorf("best ID %d, want 3", p.best.id)
	}
}
