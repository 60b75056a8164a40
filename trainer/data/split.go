package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// EncodeLabels returns the distinct labels sorted byte-wise (the class
// order: class i is classes[i]) and the class index of each label.
func EncodeLabels(labels []string) (classes []string, y []int) {
	seen := make(map[string]bool)
	for _, l := range labels {
		if !seen[l] {
			seen[l] = true
			classes = append(classes, l)
		}
	}
	slices.Sort(classes)
	index := make(map[string]int, len(classes))
	for i, c := range classes {
		index[c] = i
	}
	y = make([]int, len(labels))
	for i, l := range labels {
		y[i] = index[l]
	}
	return classes, y
}

// classMembers returns the row indices of each class, in ascending order.
func classMembers(y []int, k int) [][]int {
	counts := ClassCounts(y, k)
	m := make([][]int, k)
	for c := range m {
		m[c] = make([]int, 0, counts[c])
	}
	for i, c := range y {
		m[c] = append(m[c], i)
	}
	return m
}

// checkLabels reports a label outside [0, len(classes)).
func checkLabels(y []int, classes []string) error {
	for i, c := range y {
		if c < 0 || c >= len(classes) {
			return fmt.Errorf("row %d: class index %d outside [0, %d)", i, c, len(classes))
		}
	}
	return nil
}

// StratifiedSplit splits the rows labelled y into train, validation and test
// index sets, keeping each class's proportion. For each class of n rows,
// round(test·n) rows go to test and round(validation·(n−test rows)) to
// validation, each at least 1 when its fraction is positive, and the rest
// (at least 1) to train. A class too small for that is an error naming the
// class and its count. classes names the class indices for messages. The
// returned indices are sorted ascending; rng decides which rows go where.
func StratifiedSplit(y []int, classes []string, test, validation float64, rng *rand.Rand) (train, val, tst []int, err error) {
	if !(test >= 0 && test < 1) {
		return nil, nil, nil, fmt.Errorf("split: test fraction %v outside [0, 1)", test)
	}
	if !(validation >= 0 && validation < 1) {
		return nil, nil, nil, fmt.Errorf("split: validation fraction %v outside [0, 1)", validation)
	}
	if err := checkLabels(y, classes); err != nil {
		return nil, nil, nil, fmt.Errorf("split: %w", err)
	}
	members := classMembers(y, len(classes))
	for c, idx := range members {
		n := len(idx)
		if n == 0 {
			continue
		}
		nt := portion(test, n)
		nv := portion(validation, n-nt)
		if n-nt-nv < 1 {
			return nil, nil, nil, fmt.Errorf("split: class %q has %d members: too few for a train/validation/test split with test %v and validation %v (needs at least %d)",
				classes[c], n, test, validation, minClassSize(test, validation))
		}
		perm := slices.Clone(idx)
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		tst = append(tst, perm[:nt]...)
		val = append(val, perm[nt:nt+nv]...)
		train = append(train, perm[nt+nv:]...)
	}
	slices.Sort(train)
	slices.Sort(val)
	slices.Sort(tst)
	return train, val, tst, nil
}

// portion returns round(f·n), at least 1 when f > 0 and n > 0.
func portion(f float64, n int) int {
	if f <= 0 || n <= 0 {
		return 0
	}
	return max(1, int(math.Round(f*float64(n))))
}

// minClassSize returns the smallest class that StratifiedSplit accepts.
func minClassSize(test, validation float64) int {
	for n := 1; ; n++ {
		nt := portion(test, n)
		if n-nt-portion(validation, n-nt) >= 1 {
			return n
		}
	}
}

// Fold is one fold of a k-fold split: row indices to fit on and to
// evaluate on, each sorted ascending.
type Fold struct {
	Train, Test []int
}

// StratifiedKFold splits the rows labelled y into k folds keeping each
// class's proportion: each class's rows are shuffled with rng and dealt to
// the folds in turn, so fold sizes differ by at most one per class. A class
// with fewer than k members is an error naming the class and its count.
func StratifiedKFold(y []int, classes []string, k int, rng *rand.Rand) ([]Fold, error) {
	if k < 2 {
		return nil, fmt.Errorf("k-fold: k = %d, need at least 2", k)
	}
	if err := checkLabels(y, classes); err != nil {
		return nil, fmt.Errorf("k-fold: %w", err)
	}
	members := classMembers(y, len(classes))
	for c, idx := range members {
		if len(idx) > 0 && len(idx) < k {
			return nil, fmt.Errorf("k-fold: class %q has %d members, fewer than k = %d", classes[c], len(idx), k)
		}
	}
	fold := make([]int, len(y)) // fold of each row
	next := 0                   // continue dealing where the previous class stopped, to even out fold sizes
	for _, idx := range members {
		perm := slices.Clone(idx)
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		for _, i := range perm {
			fold[i] = next
			next = (next + 1) % k
		}
	}
	folds := make([]Fold, k)
	for i, f := range fold {
		for g := range folds {
			if g == f {
				folds[g].Test = append(folds[g].Test, i)
			} else {
				folds[g].Train = append(folds[g].Train, i)
			}
		}
	}
	return folds, nil
}
