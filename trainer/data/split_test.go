package data

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 1)) }

// labels returns counts[c] rows of class c, interleaved.
func labels(counts ...int) []int {
	var y []int
	for more := true; more; {
		more = false
		for c := range counts {
			if counts[c] > 0 {
				y = append(y, c)
				counts[c]--
				more = true
			}
		}
	}
	return y
}

func TestEncodeLabels(t *testing.T) {
	t.Parallel()
	classes, y := EncodeLabels([]string{"b", "a", "c", "a", "B"})
	if !slices.Equal(classes, []string{"B", "a", "b", "c"}) || !slices.Equal(y, []int{2, 1, 3, 1, 0}) {
		t.Errorf("classes %q y %v", classes, y)
	}
}

func TestStratifiedSplit(t *testing.T) {
	t.Parallel()
	classes := []string{"a", "b", "c"}
	tests := []struct {
		counts                      []int
		test, val                   float64
		wantTrain, wantVal, wantTst []int // per class, hand-computed from the documented rounding
	}{
		{[]int{50, 50, 50}, 0.2, 0.2, []int{32, 32, 32}, []int{8, 8, 8}, []int{10, 10, 10}},
		{[]int{100, 10, 3}, 0.2, 0.2, []int{64, 6, 1}, []int{16, 2, 1}, []int{20, 2, 1}},
		{[]int{20, 20, 20}, 0.5, 0.1, []int{9, 9, 9}, []int{1, 1, 1}, []int{10, 10, 10}},
	}
	for _, tc := range tests {
		y := labels(slices.Clone(tc.counts)...)
		tr, va, te, err := StratifiedSplit(y, classes, tc.test, tc.val, newRNG(7))
		if err != nil {
			t.Fatal(err)
		}
		sel := func(idx []int) []int {
			out := make([]int, len(idx))
			for k, i := range idx {
				out[k] = y[i]
			}
			return ClassCounts(out, 3)
		}
		if got := sel(tr); !slices.Equal(got, tc.wantTrain) {
			t.Errorf("%v: train counts %v, want %v", tc.counts, got, tc.wantTrain)
		}
		if got := sel(va); !slices.Equal(got, tc.wantVal) {
			t.Errorf("%v: val counts %v, want %v", tc.counts, got, tc.wantVal)
		}
		if got := sel(te); !slices.Equal(got, tc.wantTst) {
			t.Errorf("%v: test counts %v, want %v", tc.counts, got, tc.wantTst)
		}
		all := slices.Concat(tr, va, te)
		slices.Sort(all)
		if len(all) != len(y) {
			t.Fatalf("%v: splits hold %d rows, want %d", tc.counts, len(all), len(y))
		}
		for i, v := range all {
			if i != v {
				t.Fatalf("%v: splits are not a partition of the rows", tc.counts)
			}
		}
		tr2, va2, te2, _ := StratifiedSplit(y, classes, tc.test, tc.val, newRNG(7))
		if !slices.Equal(tr, tr2) || !slices.Equal(va, va2) || !slices.Equal(te, te2) {
			t.Errorf("%v: same seed, different split", tc.counts)
		}
		tr3, _, _, _ := StratifiedSplit(y, classes, tc.test, tc.val, newRNG(8))
		if slices.Equal(tr, tr3) {
			t.Errorf("%v: seeds 7 and 8 gave the same split", tc.counts)
		}
	}
}

func TestStratifiedSplitTooSmall(t *testing.T) {
	t.Parallel()
	y := labels(10, 2)
	_, _, _, err := StratifiedSplit(y, []string{"big", "tiny"}, 0.2, 0.2, newRNG(1))
	if err == nil || !strings.Contains(err.Error(), `class "tiny" has 2 members`) || !strings.Contains(err.Error(), "at least 3") {
		t.Fatalf("err = %v", err)
	}
}

func TestStratifiedKFold(t *testing.T) {
	t.Parallel()
	y := labels(10, 7, 5)
	classes := []string{"a", "b", "c"}
	folds, err := StratifiedKFold(y, classes, 5, newRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	seen := make([]int, len(y))
	for f, fold := range folds {
		if len(fold.Train)+len(fold.Test) != len(y) {
			t.Errorf("fold %d: %d + %d rows", f, len(fold.Train), len(fold.Test))
		}
		var ty []int
		for _, i := range fold.Test {
			seen[i]++
			ty = append(ty, y[i])
		}
		c := ClassCounts(ty, 3)
		// 10 rows of a over 5 folds: 2 each; 7 of b: 1 or 2; 5 of c: 1 each.
		if c[0] != 2 || c[1] < 1 || c[1] > 2 || c[2] != 1 {
			t.Errorf("fold %d test class counts %v", f, c)
		}
		if slices.ContainsFunc(fold.Train, func(i int) bool { return slices.Contains(fold.Test, i) }) {
			t.Errorf("fold %d: train and test overlap", f)
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("row %d in %d test folds, want 1", i, n)
		}
	}
	if _, err := StratifiedKFold(y, classes, 6, newRNG(3)); err == nil || !strings.Contains(err.Error(), `class "c" has 5 members, fewer than k = 6`) {
		t.Errorf("too few: %v", err)
	}
	if _, err := StratifiedKFold(y, classes, 1, newRNG(3)); err == nil {
		t.Error("k = 1 accepted")
	}
}
