package data

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

// Sampling strategies (Sampling.Strategy).
const (
	SampleNone        = "none"         // train on the rows as split
	SampleOversample  = "oversample"   // duplicate random rows of each smaller class up to the majority count
	SampleUndersample = "undersample"  // keep a random subset of each larger class down to the minority count
	SampleSMOTE       = "smote"        // synthesise rows of each smaller class up to the majority count (dense features only)
	SampleClassWeight = "class_weight" // rows unchanged; Prepared.ClassWeights balances the loss
)

// Sampling says how class imbalance is handled on the training rows.
type Sampling struct {
	// Strategy is one of none, oversample, undersample, smote, class_weight [none].
	Strategy string `json:"strategy"`
	// K is the number of nearest same-class neighbours SMOTE interpolates
	// towards [5].
	K int `json:"k,omitempty"`
	// Targets, when not empty, gives the training row count wanted for each
	// named class; classes not named are left as they are. Without it every
	// class is brought to the majority count (oversample, smote) or to the
	// minority count (undersample).
	Targets map[string]int `json:"targets,omitempty"`
}

// WithDefaults returns s with empty fields set to their defaults.
func (s Sampling) WithDefaults() Sampling {
	if s.Strategy == "" {
		s.Strategy = SampleNone
	}
	if s.K == 0 {
		s.K = 5
	}
	return s
}

// Validate reports a field that cannot work, naming its path under
// "sampling".
func (s Sampling) Validate() error {
	switch s.Strategy {
	case SampleNone, SampleOversample, SampleUndersample, SampleSMOTE, SampleClassWeight:
	default:
		return fmt.Errorf("sampling.strategy: unknown %q (want none, oversample, undersample, smote or class_weight)", s.Strategy)
	}
	if s.K < 1 {
		return fmt.Errorf("sampling.k: %d, need at least 1", s.K)
	}
	if len(s.Targets) > 0 && (s.Strategy == SampleNone || s.Strategy == SampleClassWeight) {
		return fmt.Errorf("sampling.targets: only used by oversample, undersample and smote, not %q", s.Strategy)
	}
	for _, name := range sortedKeys(s.Targets) {
		if s.Targets[name] < 1 {
			return fmt.Errorf("sampling.targets.%s: %d, need at least 1", name, s.Targets[name])
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ResampleTargets returns the wanted row count of each class, given the
// current counts: the majority count for oversample and smote, the minority
// count for undersample, overridden by s.Targets (a class not named keeps
// its count once Targets is given). A target that the strategy cannot reach
// (fewer rows when adding, more when removing) or that names an unknown
// class is an error naming the field.
func ResampleTargets(counts []int, classes []string, s Sampling) ([]int, error) {
	if len(counts) != len(classes) {
		return nil, fmt.Errorf("resample: %d counts for %d classes", len(counts), len(classes))
	}
	targets := slices.Clone(counts)
	if len(s.Targets) > 0 {
		index := make(map[string]int, len(classes))
		for i, c := range classes {
			index[c] = i
		}
		for _, name := range sortedKeys(s.Targets) {
			c, ok := index[name]
			if !ok {
				return nil, fmt.Errorf("sampling.targets.%s: no such class (classes %q)", name, classes)
			}
			targets[c] = s.Targets[name]
		}
	} else {
		switch s.Strategy {
		case SampleOversample, SampleSMOTE:
			m := slices.Max(counts)
			for c := range targets {
				targets[c] = m
			}
		case SampleUndersample:
			m := slices.Min(counts)
			for c := range targets {
				targets[c] = m
			}
		}
	}
	for c, t := range targets {
		switch s.Strategy {
		case SampleOversample, SampleSMOTE:
			if counts[c] == 0 && t > 0 {
				return nil, fmt.Errorf("sampling.targets.%s: the class has no training rows to draw %d from", classes[c], t)
			}
			if t < counts[c] {
				return nil, fmt.Errorf("sampling.targets.%s: %d is below the class's %d training rows; %s only adds rows",
					classes[c], t, counts[c], s.Strategy)
			}
		case SampleUndersample:
			if t > counts[c] {
				return nil, fmt.Errorf("sampling.targets.%s: %d is above the class's %d training rows; undersample only removes rows",
					classes[c], t, counts[c])
			}
		}
	}
	return targets, nil
}

// Resampled is the training set after class-imbalance handling.
type Resampled struct {
	Set Set
	// ClassWeights is set for class_weight only: n / (classes · count) per
	// class, as scikit-learn's "balanced".
	ClassWeights []float64
	Notes        []string
}

// Resample applies s to the training set train (classes names its class
// indices), drawing randomness from rng. Validation and test rows are never
// passed here, so they are never touched. For none and class_weight the
// returned Set is train itself.
func Resample(train Set, classes []string, s Sampling, rng *rand.Rand) (Resampled, error) {
	s = s.WithDefaults()
	if err := s.Validate(); err != nil {
		return Resampled{}, err
	}
	if err := checkLabels(train.Y, classes); err != nil {
		return Resampled{}, fmt.Errorf("resample: %w", err)
	}
	if len(train.Y) != train.X.Rows {
		return Resampled{}, fmt.Errorf("resample: %d labels for %d rows", len(train.Y), train.X.Rows)
	}
	counts := ClassCounts(train.Y, len(classes))
	switch s.Strategy {
	case SampleNone:
		return Resampled{Set: train}, nil
	case SampleClassWeight:
		return Resampled{Set: train, ClassWeights: BalancedClassWeights(train.Y, len(classes))}, nil
	}
	targets, err := ResampleTargets(counts, classes, s)
	if err != nil {
		return Resampled{}, err
	}
	var out Resampled
	switch s.Strategy {
	case SampleOversample:
		out.Set = RandomOversample(train, targets, rng)
	case SampleUndersample:
		out.Set = RandomUndersample(train, targets, rng)
	case SampleSMOTE:
		out.Set, out.Notes, err = SMOTE(train, classes, targets, s.K, rng)
		if err != nil {
			return Resampled{}, err
		}
	}
	out.Notes = append(out.Notes, fmt.Sprintf("%s: training class counts %v -> %v", s.Strategy, counts, ClassCounts(out.Set.Y, len(classes))))
	return out, nil
}

// BalancedClassWeights returns n / (k · count_c) for each class c in
// [0, k), the weights that make every class contribute equally to the loss;
// a class with no rows gets 0.
func BalancedClassWeights(y []int, k int) []float64 {
	counts := ClassCounts(y, k)
	w := make([]float64, k)
	for c, n := range counts {
		if n > 0 {
			w[c] = float64(len(y)) / (float64(k) * float64(n))
		}
	}
	return w
}

// RandomOversample returns set with, for each class c whose count is below
// targets[c], rows of that class drawn uniformly with replacement appended
// until the class has targets[c] rows. The original rows come first, in
// order; the duplicates follow, class by class.
func RandomOversample(set Set, targets []int, rng *rand.Rand) Set {
	members := classMembers(set.Y, len(targets))
	idx := make([]int, set.X.Rows, set.X.Rows+extra(members, targets))
	for i := range idx {
		idx[i] = i
	}
	for c, m := range members {
		for range targets[c] - len(m) {
			if len(m) > 0 {
				idx = append(idx, m[rng.IntN(len(m))])
			}
		}
	}
	return set.SelectRows(idx)
}

func extra(members [][]int, targets []int) int {
	n := 0
	for c, m := range members {
		n += max(0, targets[c]-len(m))
	}
	return n
}

// RandomUndersample returns set keeping, for each class c with more than
// targets[c] rows, a uniformly drawn subset of targets[c] of them. Kept rows
// stay in their original order.
func RandomUndersample(set Set, targets []int, rng *rand.Rand) Set {
	members := classMembers(set.Y, len(targets))
	var idx []int
	for c, m := range members {
		if len(m) <= targets[c] {
			idx = append(idx, m...)
			continue
		}
		p := slices.Clone(m)
		// Partial Fisher-Yates: the first targets[c] entries are a uniform
		// sample without replacement.
		for i := range targets[c] {
			j := i + rng.IntN(len(p)-i)
			p[i], p[j] = p[j], p[i]
		}
		idx = append(idx, p[:targets[c]]...)
	}
	slices.Sort(idx)
	return set.SelectRows(idx)
}

// SMOTE returns set with synthetic rows appended for each class c whose
// count is below targets[c] (Chawla et al. 2002, as imbalanced-learn's
// SMOTE): each new row is x + u·(z − x) for a uniformly drawn row x of the
// class, z one of x's k nearest same-class neighbours (Euclidean, drawn
// uniformly) and u uniform in [0, 1). A class with k or fewer rows uses
// count−1 neighbours and says so in the returned notes; a class of one row
// that needs new rows is an error. SMOTE needs dense features: for sparse
// (TF-IDF) rows it returns an error suggesting oversample or class_weight.
func SMOTE(set Set, classes []string, targets []int, k int, rng *rand.Rand) (Set, []string, error) {
	if set.X.IsSparse() {
		return Set{}, nil, errors.New("sampling.strategy: smote needs dense features and these are sparse (TF-IDF); use oversample or class_weight")
	}
	if k < 1 {
		return Set{}, nil, fmt.Errorf("sampling.k: %d, need at least 1", k)
	}
	members := classMembers(set.Y, len(targets))
	d := set.X.Cols
	add := extra(members, targets)
	// append(clip(x), make(n)...) copies x into a fresh array without
	// zeroing it first (the runtime clears only the appended tail), which
	// saves a full pass over the largest buffer here.
	out := Set{
		X: Matrix{Rows: set.X.Rows + add, Cols: d, Dense: append(slices.Clip(set.X.Dense[:set.X.Rows*d]), make([]float64, add*d)...)},
		Y: append(make([]int, 0, set.X.Rows+add), set.Y...),
	}
	var notes []string
	r := set.X.Rows
	for c, m := range members {
		need := targets[c] - len(m)
		if need <= 0 {
			continue
		}
		if len(m) < 2 {
			return Set{}, nil, fmt.Errorf("smote: class %q has %d training row(s); SMOTE needs at least 2 (use oversample)", classes[c], len(m))
		}
		kc := k
		if len(m) <= k {
			kc = len(m) - 1
			notes = append(notes, fmt.Sprintf("smote: class %q has %d training rows, so it uses %d neighbours instead of k = %d", classes[c], len(m), kc, k))
		}
		nn := nearestNeighbours(set.X, m, kc)
		for range need {
			p := rng.IntN(len(m) * kc)
			base := m[p/kc]
			nb := m[nn[p]]
			u := rng.Float64()
			x := set.X.Dense[base*d : (base+1)*d]
			z := set.X.Dense[nb*d : (nb+1)*d]
			dst := out.X.Dense[r*d : (r+1)*d]
			for j := range dst {
				dst[j] = x[j] + u*(z[j]-x[j])
			}
			out.Y = append(out.Y, c)
			r++
		}
	}
	return out, notes, nil
}

// nearestNeighbours returns, for each row m[i], the positions in m of its k
// nearest other rows by Euclidean distance, closest first (ties by
// position), flattened: neighbours of m[i] are nn[i*k : (i+1)*k]. Brute
// force over the class only: O(len(m)² · cols).
func nearestNeighbours(x Matrix, m []int, k int) []int {
	n, d := len(m), x.Cols
	dist := make([]float64, n*n)
	for i := 0; i < n; i++ {
		xi := x.Dense[m[i]*d : (m[i]+1)*d]
		for j := i + 1; j < n; j++ {
			v := sqDist(xi, x.Dense[m[j]*d:(m[j]+1)*d])
			dist[i*n+j] = v
			dist[j*n+i] = v
		}
	}
	nn := make([]int, n*k)
	type cand struct {
		d float64
		j int
	}
	best := make([]cand, 0, k+1)
	less := func(a, b cand) int {
		if c := cmp.Compare(a.d, b.d); c != 0 {
			return c
		}
		return cmp.Compare(a.j, b.j)
	}
	for i := 0; i < n; i++ {
		best = best[:0]
		for j := 0; j < n; j++ {
			if j == i {
				continue
			}
			c := cand{dist[i*n+j], j}
			if len(best) == k && less(c, best[k-1]) >= 0 {
				continue
			}
			pos, _ := slices.BinarySearchFunc(best, c, less)
			if len(best) < k {
				best = append(best, cand{})
			}
			copy(best[pos+1:], best[pos:len(best)-1])
			best[pos] = c
		}
		for q, b := range best {
			nn[i*k+q] = b.j
		}
	}
	return nn
}

// sqDist returns the squared Euclidean distance between a and b (same
// length), unrolled by four for speed.
func sqDist(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0 := a[i] - b[i]
		d1 := a[i+1] - b[i+1]
		d2 := a[i+2] - b[i+2]
		d3 := a[i+3] - b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}
