// Package metrics owns the classification scores sweep records for a trial:
// the confusion matrix, per-class precision, recall, F1 and support, macro,
// weighted and micro F1, accuracy, balanced accuracy and a text report in the
// layout of scikit-learn's classification_report.
//
// Classes are indices in [0, k). Whenever a ratio has a zero denominator the
// score is 0, as scikit-learn computes it with zero_division=0.
package metrics

import (
	"errors"
	"fmt"
	"math"
)

// ErrEmpty is returned when there are no samples to score.
var ErrEmpty = errors.New("metrics: no samples")

// check validates a pair of label slices against k classes.
func check(yTrue, yPred []int, k int) error {
	if k < 1 {
		return fmt.Errorf("metrics: number of classes k = %d, want >= 1", k)
	}
	if len(yTrue) != len(yPred) {
		return fmt.Errorf("metrics: len(yTrue) = %d but len(yPred) = %d", len(yTrue), len(yPred))
	}
	for i, c := range yTrue {
		if c < 0 || c >= k {
			return fmt.Errorf("metrics: yTrue[%d] = %d outside [0, %d)", i, c, k)
		}
		if p := yPred[i]; p < 0 || p >= k {
			return fmt.Errorf("metrics: yPred[%d] = %d outside [0, %d)", i, p, k)
		}
	}
	return nil
}

// Confusion returns the k×k confusion matrix: entry [i][j] counts samples whose
// true class is i and predicted class is j (scikit-learn's confusion_matrix).
// It returns an error if the lengths differ, k < 1 or a label lies outside
// [0, k). Empty input gives a zero matrix.
func Confusion(yTrue, yPred []int, k int) ([][]int, error) {
	if err := check(yTrue, yPred, k); err != nil {
		return nil, err
	}
	flat := make([]int, k*k)
	m := make([][]int, k)
	for i := range m {
		m[i] = flat[i*k : (i+1)*k : (i+1)*k]
	}
	for i, t := range yTrue {
		m[t][yPred[i]]++
	}
	return m, nil
}

// div returns a/b, or 0 when b is 0 (zero_division=0).
func div(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// f1 combines precision and recall as scikit-learn 1.2 does:
// 2·p·r / (p + r), 0 when both are 0.
func f1(p, r float64) float64 {
	d := p + r
	if d == 0 {
		return 0
	}
	return 2 * p * r / d
}

// stackClasses is the number of classes MacroF1 counts in a stack array
// without allocating.
const stackClasses = 64

// MacroF1 returns the unweighted mean over the k classes of per-class F1,
// equal to scikit-learn's f1_score(average="macro", labels=range(k),
// zero_division=0). It is meant for the training loop: for k <= 64 it does not
// allocate. It returns NaN when the input is invalid (lengths differ, k < 1 or
// a label outside [0, k)); empty input scores 0, as every class then has
// F1 = 0 under zero_division=0. Use Evaluate for errors and the full report.
func MacroF1(yTrue, yPred []int, k int) float64 {
	if k < 1 || len(yTrue) != len(yPred) {
		return math.NaN()
	}
	var buf [3 * stackClasses]int
	var counts []int
	if k <= stackClasses {
		counts = buf[:3*k]
	} else {
		counts = make([]int, 3*k)
	}
	tp, nTrue, nPred := counts[:k], counts[k:2*k], counts[2*k:]
	for i, t := range yTrue {
		p := yPred[i]
		if uint(t) >= uint(k) || uint(p) >= uint(k) {
			return math.NaN()
		}
		nTrue[t]++
		nPred[p]++
		if t == p {
			tp[t]++
		}
	}
	var sum float64
	for c := range k {
		sum += f1(div(float64(tp[c]), float64(nPred[c])), div(float64(tp[c]), float64(nTrue[c])))
	}
	return sum / float64(k)
}

// Accuracy returns the fraction of positions where yPred equals yTrue
// (scikit-learn's accuracy_score). It does not allocate. It returns NaN when
// the lengths differ and 0 for empty input.
func Accuracy(yTrue, yPred []int) float64 {
	if len(yTrue) != len(yPred) {
		return math.NaN()
	}
	if len(yTrue) == 0 {
		return 0
	}
	hit := 0
	for i, t := range yTrue {
		if yPred[i] == t {
			hit++
		}
	}
	return float64(hit) / float64(len(yTrue))
}
