package data

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Imputation strategies (Config.Impute).
const (
	ImputeMean         = "mean"          // column mean of the training rows
	ImputeMedian       = "median"        // column median (mean of the middle two for an even count)
	ImputeMostFrequent = "most_frequent" // most frequent value; ties go to the smallest
	ImputeDrop         = "drop"          // rows with a missing value are dropped before splitting
)

// Scaling methods (Config.Scale).
const (
	ScaleStandard = "standard" // (x − mean) / standard deviation (ddof 0; a constant column gets scale 1)
	ScaleMinMax   = "minmax"   // (x − min) / (max − min) (a constant column gets range 1)
	ScaleNone     = "none"     // no scaling
)

// Imputer replaces missing (NaN) values column by column with statistics
// fitted on training rows.
type Imputer struct {
	Strategy string `json:"strategy"`
	// Values holds the fill value of each column; nil for ImputeDrop.
	Values []float64 `json:"values,omitempty"`
}

// FitImputer computes the fill value of each column of the dense matrix x
// with the given strategy, ignoring NaN cells. A column with no observed
// value is filled with 0, and a note naming it (from names, which may be
// nil) is returned.
func FitImputer(strategy string, x Matrix, names []string) (Imputer, []string, error) {
	if x.IsSparse() {
		return Imputer{}, nil, errors.New("imputer: needs a dense matrix")
	}
	im := Imputer{Strategy: strategy}
	switch strategy {
	case ImputeDrop:
		return im, nil, nil
	case ImputeMean, ImputeMedian, ImputeMostFrequent:
	default:
		return Imputer{}, nil, fmt.Errorf("imputer: unknown strategy %q (want mean, median, most_frequent or drop)", strategy)
	}
	var notes []string
	im.Values = make([]float64, x.Cols)
	col := make([]float64, 0, x.Rows)
	for j := 0; j < x.Cols; j++ {
		col = col[:0]
		for i := 0; i < x.Rows; i++ {
			if v := x.Dense[i*x.Cols+j]; !math.IsNaN(v) {
				col = append(col, v)
			}
		}
		if len(col) == 0 {
			name := fmt.Sprintf("#%d", j)
			if j < len(names) {
				name = fmt.Sprintf("%q", names[j])
			}
			notes = append(notes, fmt.Sprintf("impute: column %s has no value in the training rows; filled with 0", name))
			continue
		}
		switch strategy {
		case ImputeMean:
			im.Values[j] = mean(col)
		case ImputeMedian:
			slices.Sort(col)
			n := len(col)
			if n%2 == 1 {
				im.Values[j] = col[n/2]
			} else {
				im.Values[j] = (col[n/2-1] + col[n/2]) / 2
			}
		case ImputeMostFrequent:
			slices.Sort(col)
			best, bestN := col[0], 0
			for i := 0; i < len(col); {
				k := i
				for k < len(col) && col[k] == col[i] {
					k++
				}
				if k-i > bestN { // strict: ties keep the smaller value
					best, bestN = col[i], k-i
				}
				i = k
			}
			im.Values[j] = best
		}
	}
	return im, notes, nil
}

// Apply fills the NaN cells of the dense matrix x in place. With ImputeDrop
// a NaN cell is an error naming its row and column.
func (im Imputer) Apply(x Matrix) error {
	if x.IsSparse() {
		return errors.New("imputer: needs a dense matrix")
	}
	if im.Strategy != ImputeDrop && len(im.Values) != x.Cols {
		return fmt.Errorf("imputer: fitted on %d columns, got %d", len(im.Values), x.Cols)
	}
	for i := 0; i < x.Rows; i++ {
		row := x.Dense[i*x.Cols : (i+1)*x.Cols]
		for j, v := range row {
			if math.IsNaN(v) {
				if im.Strategy == ImputeDrop {
					return fmt.Errorf("imputer: row %d, column %d: missing value and impute is %q", i, j, ImputeDrop)
				}
				row[j] = im.Values[j]
			}
		}
	}
	return nil
}

// Scaler maps each column to x' = (x − Offset) / Scale with statistics
// fitted on training rows.
type Scaler struct {
	Method string `json:"method"`
	// Offset is the column mean (standard) or minimum (minmax); nil for none.
	Offset []float64 `json:"offset,omitempty"`
	// Scale is the column standard deviation (standard) or max − min
	// (minmax), 1 for a constant column; nil for none.
	Scale []float64 `json:"scale,omitempty"`
}

// ScaleError is FitScaler's error for a column it cannot scale.
type ScaleError struct {
	// Column is the column's index in the matrix, from 0.
	Column int
	// Reason says what is wrong and what to do.
	Reason string
}

func (e *ScaleError) Error() string {
	return fmt.Sprintf("scaler: column %d (counting from 1): %s", e.Column+1, e.Reason)
}

// columnProblem explains why column j's statistics are not finite: a NaN,
// or values so large that their sum or squares overflow.
func columnProblem(x Matrix, j int) *ScaleError {
	big := 0.0
	for i := 0; i < x.Rows; i++ {
		v := x.Dense[i*x.Cols+j]
		if math.IsNaN(v) {
			return &ScaleError{Column: j, Reason: "holds NaN: impute first"}
		}
		big = max(big, math.Abs(v))
	}
	return &ScaleError{Column: j, Reason: fmt.Sprintf("holds values too large to scale (largest magnitude %g overflows the statistics): rescale the column, or use scale: none", big)}
}

// FitScaler computes scaling statistics of the dense matrix x, which must
// hold no NaN (impute first). A column it cannot scale gives a *ScaleError.
func FitScaler(method string, x Matrix) (Scaler, error) {
	if x.IsSparse() {
		return Scaler{}, errors.New("scaler: needs a dense matrix")
	}
	s := Scaler{Method: method}
	switch method {
	case ScaleNone:
		return s, nil
	case ScaleStandard, ScaleMinMax:
	default:
		return Scaler{}, fmt.Errorf("scaler: unknown method %q (want standard, minmax or none)", method)
	}
	if x.Rows == 0 {
		return Scaler{}, errors.New("scaler: no rows to fit on")
	}
	s.Offset = make([]float64, x.Cols)
	s.Scale = make([]float64, x.Cols)
	n := float64(x.Rows)
	const eps = 0x1p-52
	for j := 0; j < x.Cols; j++ {
		switch method {
		case ScaleStandard:
			var sum float64
			for i := 0; i < x.Rows; i++ {
				sum += x.Dense[i*x.Cols+j]
			}
			m := sum / n
			var ss, corr float64
			for i := 0; i < x.Rows; i++ {
				d := x.Dense[i*x.Cols+j] - m
				ss += d * d
				corr += d
			}
			// Two-pass variance with the compensation term of Chan,
			// Golub & LeVeque (as scikit-learn does).
			v := (ss - corr*corr/n) / n
			if math.IsNaN(v) || math.IsInf(v, 0) || math.IsNaN(m) || math.IsInf(m, 0) {
				return Scaler{}, columnProblem(x, j)
			}
			s.Offset[j] = m
			// scikit-learn's constant-feature test: variance within
			// rounding error of zero.
			if bound := n*eps*v + (n*m*eps)*(n*m*eps); v <= bound {
				s.Scale[j] = 1
			} else {
				s.Scale[j] = math.Sqrt(v)
			}
		case ScaleMinMax:
			lo, hi := math.Inf(1), math.Inf(-1)
			for i := 0; i < x.Rows; i++ {
				v := x.Dense[i*x.Cols+j]
				if math.IsNaN(v) {
					return Scaler{}, columnProblem(x, j)
				}
				lo, hi = min(lo, v), max(hi, v)
			}
			if math.IsInf(hi-lo, 0) {
				return Scaler{}, columnProblem(x, j)
			}
			s.Offset[j] = lo
			if r := hi - lo; r < 10*eps {
				s.Scale[j] = 1
			} else {
				s.Scale[j] = r
			}
		}
	}
	return s, nil
}

// Apply scales the dense matrix x in place.
func (s Scaler) Apply(x Matrix) error {
	if s.Method == ScaleNone {
		return nil
	}
	if x.IsSparse() {
		return errors.New("scaler: needs a dense matrix")
	}
	if len(s.Offset) != x.Cols || len(s.Scale) != x.Cols {
		return fmt.Errorf("scaler: fitted on %d columns, got %d", len(s.Offset), x.Cols)
	}
	if s.Method == ScaleStandard {
		for i := 0; i < x.Rows; i++ {
			row := x.Dense[i*x.Cols : (i+1)*x.Cols]
			for j := range row {
				row[j] = (row[j] - s.Offset[j]) / s.Scale[j]
			}
		}
		return nil
	}
	// Min-max as scikit-learn computes it, x·(1/range) − min·(1/range), so
	// that values agree to the last bit.
	mul := make([]float64, x.Cols)
	add := make([]float64, x.Cols)
	for j, sc := range s.Scale {
		mul[j] = 1 / sc
		add[j] = -s.Offset[j] * mul[j]
	}
	for i := 0; i < x.Rows; i++ {
		row := x.Dense[i*x.Cols : (i+1)*x.Cols]
		for j := range row {
			row[j] = row[j]*mul[j] + add[j]
		}
	}
	return nil
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
