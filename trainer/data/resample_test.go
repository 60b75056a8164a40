package data

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// gaussianSet returns counts[c] rows of class c with d features drawn
// around a class-specific centre.
func gaussianSet(seed uint64, d int, counts ...int) Set {
	rng := newRNG(seed)
	y := labels(counts...)
	x := NewDense(len(y), d)
	for i, c := range y {
		for j := range d {
			x.Row(i)[j] = float64(3*c) + rng.NormFloat64()
		}
	}
	return Set{X: x, Y: y}
}

var threeClasses = []string{"a", "b", "c"}

func TestResampleClassCounts(t *testing.T) {
	t.Parallel()
	train := gaussianSet(1, 4, 40, 12, 6)
	tests := []struct {
		s    Sampling
		want []int
	}{
		{Sampling{Strategy: SampleNone}, []int{40, 12, 6}},
		{Sampling{Strategy: SampleClassWeight}, []int{40, 12, 6}},
		{Sampling{Strategy: SampleOversample}, []int{40, 40, 40}},
		{Sampling{Strategy: SampleUndersample}, []int{6, 6, 6}},
		{Sampling{Strategy: SampleSMOTE}, []int{40, 40, 40}},
		{Sampling{Strategy: SampleOversample, Targets: map[string]int{"c": 20}}, []int{40, 12, 20}},
		{Sampling{Strategy: SampleUndersample, Targets: map[string]int{"a": 15, "b": 10}}, []int{15, 10, 6}},
		{Sampling{Strategy: SampleSMOTE, K: 3, Targets: map[string]int{"b": 30, "c": 30}}, []int{40, 30, 30}},
	}
	for _, tc := range tests {
		r, err := Resample(train, threeClasses, tc.s, newRNG(5))
		if err != nil {
			t.Fatalf("%+v: %v", tc.s, err)
		}
		if got := ClassCounts(r.Set.Y, 3); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: counts %v, want %v", tc.s, got, tc.want)
		}
		if r.Set.X.Rows != len(r.Set.Y) {
			t.Errorf("%+v: %d rows, %d labels", tc.s, r.Set.X.Rows, len(r.Set.Y))
		}
		again, _ := Resample(train, threeClasses, tc.s, newRNG(5))
		if !reflect.DeepEqual(r, again) {
			t.Errorf("%+v: same seed, different output", tc.s)
		}
		if (tc.s.Strategy == SampleClassWeight) != (r.ClassWeights != nil) {
			t.Errorf("%+v: class weights %v", tc.s, r.ClassWeights)
		}
	}
}

func TestBalancedClassWeights(t *testing.T) {
	t.Parallel()
	// 58 rows over 3 classes: 58/(3·40), 58/(3·12), 58/(3·6).
	w := BalancedClassWeights(labels(40, 12, 6), 3)
	want := []float64{58.0 / 120, 58.0 / 36, 58.0 / 18}
	for c := range want {
		if math.Abs(w[c]-want[c]) > 1e-15 {
			t.Errorf("weight[%d] = %v, want %v", c, w[c], want[c])
		}
	}
}

// rowIn reports whether row r equals some row of x with label c.
func rowIndex(x Matrix, y []int, c int, r []float64) int {
	for i := 0; i < x.Rows; i++ {
		if y[i] == c && slices.Equal(x.Row(i), r) {
			return i
		}
	}
	return -1
}

func TestOversampleDuplicatesTrainRowsOnly(t *testing.T) {
	t.Parallel()
	train := gaussianSet(2, 3, 30, 5)
	out := RandomOversample(train, []int{30, 30}, newRNG(9))
	for i := 0; i < out.X.Rows; i++ {
		if rowIndex(train.X, train.Y, out.Y[i], out.X.Row(i)) < 0 {
			t.Fatalf("row %d is not a training row of its class", i)
		}
	}
	if !slices.Equal(out.X.Dense[:train.X.Rows*3], train.X.Dense) {
		t.Error("original rows not kept first and in order")
	}
	under := RandomUndersample(train, []int{5, 5}, newRNG(9))
	prev := -1
	for i := 0; i < under.X.Rows; i++ {
		k := rowIndex(train.X, train.Y, under.Y[i], under.X.Row(i))
		if k <= prev {
			t.Fatalf("undersampled row %d: source %d not after %d (duplicated or reordered)", i, k, prev)
		}
		prev = k
	}
}

func TestSMOTESamplesLieOnNeighbourSegments(t *testing.T) {
	t.Parallel()
	const d, k = 5, 4
	train := gaussianSet(3, d, 60, 15, 9)
	out, notes, err := SMOTE(train, threeClasses, []int{60, 60, 60}, k, newRNG(11))
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("notes %q, want none (classes larger than k)", notes)
	}
	if !slices.Equal(out.X.Dense[:len(train.X.Dense)], train.X.Dense) || !slices.Equal(out.Y[:len(train.Y)], train.Y) {
		t.Fatal("original rows changed")
	}
	members := classMembers(train.Y, 3)
	for i := train.X.Rows; i < out.X.Rows; i++ {
		c, s := out.Y[i], out.X.Row(i)
		if !onNeighbourSegment(train.X, members[c], s, k) {
			t.Fatalf("synthetic row %d (class %d) is on no segment between a class row and one of its %d nearest neighbours", i, c, k)
		}
	}
}

// onNeighbourSegment checks, by brute force, that s = x + u(z − x) with
// u in [0, 1], x in the class and z among x's k nearest class neighbours.
func onNeighbourSegment(x Matrix, m []int, s []float64, k int) bool {
	for _, a := range m {
		xa := x.Row(a)
		type nb struct {
			d float64
			i int
		}
		var nbs []nb
		for _, b := range m {
			if b != a {
				nbs = append(nbs, nb{sqDist(xa, x.Row(b)), b})
			}
		}
		slices.SortFunc(nbs, func(p, q nb) int {
			if p.d != q.d {
				if p.d < q.d {
					return -1
				}
				return 1
			}
			return p.i - q.i
		})
		for _, n := range nbs[:k] {
			z := x.Row(n.i)
			// u from the largest coordinate difference, then every
			// coordinate must agree.
			jmax := 0
			for j := range z {
				if math.Abs(z[j]-xa[j]) > math.Abs(z[jmax]-xa[jmax]) {
					jmax = j
				}
			}
			u := (s[jmax] - xa[jmax]) / (z[jmax] - xa[jmax])
			if u < -1e-12 || u > 1+1e-12 {
				continue
			}
			ok := true
			for j := range z {
				if math.Abs(xa[j]+u*(z[j]-xa[j])-s[j]) > 1e-9 {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

func TestSMOTESmallClasses(t *testing.T) {
	t.Parallel()
	train := gaussianSet(4, 3, 20, 3)
	out, notes, err := SMOTE(train, []string{"big", "small"}, []int{20, 20}, 5, newRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], `class "small" has 3 training rows, so it uses 2 neighbours`) {
		t.Errorf("notes = %q", notes)
	}
	for i := train.X.Rows; i < out.X.Rows; i++ {
		if !onNeighbourSegment(train.X, classMembers(train.Y, 2)[1], out.X.Row(i), 2) {
			t.Fatalf("synthetic row %d off every segment", i)
		}
	}
	one := gaussianSet(4, 3, 20, 1)
	if _, _, err := SMOTE(one, []string{"big", "single"}, []int{20, 20}, 5, newRNG(1)); err == nil ||
		!strings.Contains(err.Error(), `class "single" has 1 training row`) {
		t.Errorf("one member: %v", err)
	}
	sparse := Set{X: Matrix{Rows: 2, Cols: 2, Indptr: []int{0, 1, 2}, Indices: []int32{0, 1}, Values: []float64{1, 1}}, Y: []int{0, 1}}
	if _, _, err := SMOTE(sparse, []string{"a", "b"}, []int{2, 2}, 5, newRNG(1)); err == nil ||
		!strings.Contains(err.Error(), "dense") || !strings.Contains(err.Error(), "class_weight") {
		t.Errorf("sparse: %v", err)
	}
}

func TestSamplingErrors(t *testing.T) {
	t.Parallel()
	train := gaussianSet(1, 2, 10, 5)
	cls := []string{"a", "b"}
	tests := []struct {
		s    Sampling
		want string
	}{
		{Sampling{Strategy: "adasyn"}, "sampling.strategy"},
		{Sampling{Strategy: SampleSMOTE, K: -1}, "sampling.k"},
		{Sampling{Strategy: SampleClassWeight, Targets: map[string]int{"a": 3}}, "sampling.targets"},
		{Sampling{Strategy: SampleOversample, Targets: map[string]int{"z": 3}}, "sampling.targets.z: no such class"},
		{Sampling{Strategy: SampleOversample, Targets: map[string]int{"a": 3}}, "sampling.targets.a: 3 is below"},
		{Sampling{Strategy: SampleUndersample, Targets: map[string]int{"b": 9}}, "sampling.targets.b: 9 is above"},
		{Sampling{Strategy: SampleUndersample, Targets: map[string]int{"b": 0}}, "sampling.targets.b: 0"},
	}
	for _, tc := range tests {
		_, err := Resample(train, cls, tc.s, newRNG(1))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.s, err, tc.want)
		}
	}
}

func TestResampleSparseRows(t *testing.T) {
	t.Parallel()
	// Oversampling works on CSR rows too.
	x := Matrix{Rows: 3, Cols: 4, Indptr: []int{0, 1, 3, 4}, Indices: []int32{0, 1, 3, 2}, Values: []float64{1, 2, 3, 4}}
	out := RandomOversample(Set{X: x, Y: []int{0, 0, 1}}, []int{2, 2}, rand.New(rand.NewPCG(1, 2)))
	if out.X.Rows != 4 || out.Y[3] != 1 || out.X.Indptr[4]-out.X.Indptr[3] != 1 || out.X.Values[len(out.X.Values)-1] != 4 {
		t.Errorf("sparse oversample %+v", out)
	}
}
