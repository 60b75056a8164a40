package data

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
)

// scalerRef is testdata/scalers.json (scikit-learn 1.2.1, see testdata/README.md).
type scalerRef struct {
	Train    [][]float64 `json:"train"`
	Test     [][]float64 `json:"test"`
	Standard struct {
		Mean, Scale, Train, Test any
	} `json:"standard"`
	MinMax struct {
		Min, Max, Train, Test any
	} `json:"minmax"`
}

func dense(rows [][]float64) Matrix {
	m := NewDense(len(rows), len(rows[0]))
	for i, r := range rows {
		copy(m.Row(i), r)
	}
	return m
}

func toVec(t *testing.T, v any) []float64 {
	t.Helper()
	b, _ := json.Marshal(v)
	var out []float64
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func toRows(t *testing.T, v any) [][]float64 {
	t.Helper()
	b, _ := json.Marshal(v)
	var out [][]float64
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func closeTo(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func TestScalersMatchScikitLearn(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/scalers.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref scalerRef
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method             string
		offset, scale      []float64
		wantTrain, wantTst [][]float64
	}{
		{ScaleStandard, toVec(t, ref.Standard.Mean), toVec(t, ref.Standard.Scale), toRows(t, ref.Standard.Train), toRows(t, ref.Standard.Test)},
		{ScaleMinMax, toVec(t, ref.MinMax.Min), nil, toRows(t, ref.MinMax.Train), toRows(t, ref.MinMax.Test)},
	}
	const tol = 1e-12 // scikit-learn sums in a different order; agreement to ~1 ulp·n
	for _, tc := range tests {
		t.Run(tc.method, func(t *testing.T) {
			train, test := dense(ref.Train), dense(ref.Test)
			s, err := FitScaler(tc.method, train)
			if err != nil {
				t.Fatal(err)
			}
			for j := range tc.offset {
				if !closeTo(s.Offset[j], tc.offset[j], tol) {
					t.Errorf("offset[%d] = %v, want %v", j, s.Offset[j], tc.offset[j])
				}
				if tc.scale != nil && !closeTo(s.Scale[j], tc.scale[j], tol) {
					t.Errorf("scale[%d] = %v, want %v", j, s.Scale[j], tc.scale[j])
				}
			}
			if err := s.Apply(train); err != nil {
				t.Fatal(err)
			}
			if err := s.Apply(test); err != nil {
				t.Fatal(err)
			}
			for name, pair := range map[string][2]any{"train": {train, tc.wantTrain}, "test": {test, tc.wantTst}} {
				got, want := pair[0].(Matrix), pair[1].([][]float64)
				for i, row := range want {
					for j, w := range row {
						if g := got.Row(i)[j]; !closeTo(g, w, tol) {
							t.Errorf("%s[%d][%d] = %v, want %v", name, i, j, g, w)
						}
					}
				}
			}
		})
	}
}

func TestScalerNoneAndErrors(t *testing.T) {
	t.Parallel()
	x := dense([][]float64{{1, 2}, {3, 4}})
	s, err := FitScaler(ScaleNone, x)
	if err != nil || s.Apply(x) != nil || x.Dense[3] != 4 {
		t.Fatalf("none changed data: %v %v", err, x.Dense)
	}
	if _, err := FitScaler("zscore", x); err == nil || !strings.Contains(err.Error(), `"zscore"`) {
		t.Errorf("unknown method: %v", err)
	}
	if _, err := FitScaler(ScaleStandard, dense([][]float64{{1, math.NaN()}})); err == nil || err.Error() != "scaler: column 2 (counting from 1): holds NaN: impute first" {
		t.Errorf("NaN: %v", err)
	}
	var se *ScaleError
	if _, err := FitScaler(ScaleMinMax, dense([][]float64{{math.MaxFloat64}, {-math.MaxFloat64}})); !errors.As(err, &se) || se.Column != 0 || !strings.Contains(se.Reason, "too large") {
		t.Errorf("overflowing range: %v", err)
	}
	s, _ = FitScaler(ScaleStandard, x)
	if err := s.Apply(dense([][]float64{{1, 2, 3}})); err == nil {
		t.Error("column mismatch accepted")
	}
}

func TestImputer(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	// Column 0: 1, 2, 2, 7 observed (NaN once); column 1: 5, 3 observed;
	// column 2: nothing observed.
	x := [][]float64{{1, 5, nan}, {2, nan, nan}, {nan, 3, nan}, {2, nan, nan}, {7, nan, nan}}
	tests := []struct {
		strategy string
		want     []float64 // hand-computed
	}{
		{ImputeMean, []float64{3, 4, 0}},         // (1+2+2+7)/4, (5+3)/2
		{ImputeMedian, []float64{2, 4, 0}},       // middle of 1 2 2 7; mean of 3 5
		{ImputeMostFrequent, []float64{2, 3, 0}}, // 2 twice; 3 and 5 tie, smallest wins
	}
	for _, tc := range tests {
		t.Run(tc.strategy, func(t *testing.T) {
			m := dense(x)
			im, notes, err := FitImputer(tc.strategy, m, []string{"a", "b", "c"})
			if err != nil {
				t.Fatal(err)
			}
			for j, w := range tc.want {
				if im.Values[j] != w {
					t.Errorf("value[%d] = %v, want %v", j, im.Values[j], w)
				}
			}
			if len(notes) != 1 || !strings.Contains(notes[0], `"c"`) {
				t.Errorf("notes = %q, want one naming column c", notes)
			}
			if err := im.Apply(m); err != nil {
				t.Fatal(err)
			}
			if m.Row(2)[0] != tc.want[0] || m.Row(1)[1] != tc.want[1] || m.Row(0)[0] != 1 {
				t.Errorf("applied rows %v", m.Dense)
			}
		})
	}
	im, _, err := FitImputer(ImputeDrop, dense(x), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := im.Apply(dense(x)); err == nil || !strings.Contains(err.Error(), "row 0, column 2") {
		t.Errorf("drop apply: %v", err)
	}
	if _, _, err := FitImputer("zero", dense(x), nil); err == nil {
		t.Error("unknown strategy accepted")
	}
}
