package sweepcli

import (
	"cmp"
	"math"

	"github.com/sweep-ml/sweep/search"
)

// rankKey is what places a complete trial on the leaderboard.
type rankKey struct {
	value   float64 // the objective
	valLoss float64
	id      int64
}

// rankKeyOf returns a complete trial's rank key; a missing result or
// val_loss reads as NaN.
func rankKeyOf(t search.Trial) rankKey {
	k := rankKey{value: math.NaN(), valLoss: math.NaN(), id: t.ID}
	if t.Result != nil {
		k.value, k.valLoss = t.Result.Value, valueOr(t.Result.Values, "val_loss")
	}
	return k
}

// compareRank orders two trials as tracker.Entry documents for the
// leaderboard: the objective in direction d, then the validation loss,
// lower first, then the trial ID, lower first; NaN values rank last. It
// returns a negative number when a ranks above b.
func compareRank(d search.Direction, a, b rankKey) int {
	switch {
	case d.Better(a.value, b.value):
		return -1
	case d.Better(b.value, a.value):
		return 1
	case search.Minimize.Better(a.valLoss, b.valLoss):
		return -1
	case search.Minimize.Better(b.valLoss, a.valLoss):
		return 1
	}
	return cmp.Compare(a.id, b.id)
}
