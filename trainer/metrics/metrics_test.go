package metrics

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
)

// referenceCase is one case of testdata/metrics.json (scikit-learn 1.2.1,
// zero_division=0; see testdata/README.md).
type referenceCase struct {
	Name             string    `json:"name"`
	Labels           []string  `json:"labels"`
	YTrue            []string  `json:"y_true"`
	YPred            []string  `json:"y_pred"`
	Confusion        [][]int   `json:"confusion_matrix"`
	Precision        []float64 `json:"precision"`
	Recall           []float64 `json:"recall"`
	F1               []float64 `json:"f1"`
	Support          []int     `json:"support"`
	MacroF1          float64   `json:"macro_f1"`
	WeightedF1       float64   `json:"weighted_f1"`
	MicroF1          float64   `json:"micro_f1"`
	Accuracy         float64   `json:"accuracy"`
	BalancedAccuracy float64   `json:"balanced_accuracy"`
}

func loadReference(t *testing.T) []referenceCase {
	t.Helper()
	b, err := os.ReadFile("testdata/metrics.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []referenceCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatalf("testdata/metrics.json: %v", err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("testdata/metrics.json: no cases")
	}
	return ref.Cases
}

func indices(t *testing.T, labels, ys []string) []int {
	t.Helper()
	pos := make(map[string]int, len(labels))
	for i, l := range labels {
		pos[l] = i
	}
	out := make([]int, len(ys))
	for i, y := range ys {
		c, ok := pos[y]
		if !ok {
			t.Fatalf("label %q not in %v", y, labels)
		}
		out[i] = c
	}
	return out
}

const tol = 1e-12

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		t.Errorf("%s = %.17g, want %.17g (scikit-learn)", what, got, want)
	}
}

func TestEvaluateMatchesScikitLearn(t *testing.T) {
	t.Parallel()
	for _, tc := range loadReference(t) {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			yt, yp := indices(t, tc.Labels, tc.YTrue), indices(t, tc.Labels, tc.YPred)
			r, err := Evaluate(yt, yp, tc.Labels)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.Confusion, tc.Confusion) {
				t.Errorf("confusion = %v, want %v", r.Confusion, tc.Confusion)
			}
			cm, err := Confusion(yt, yp, len(tc.Labels))
			if err != nil || !reflect.DeepEqual(cm, tc.Confusion) {
				t.Errorf("Confusion() = %v, %v; want %v", cm, err, tc.Confusion)
			}
			for i, c := range r.Classes {
				if c.Label != tc.Labels[i] {
					t.Errorf("class %d label %q, want %q", i, c.Label, tc.Labels[i])
				}
				near(t, "precision["+c.Label+"]", c.Precision, tc.Precision[i])
				near(t, "recall["+c.Label+"]", c.Recall, tc.Recall[i])
				near(t, "f1["+c.Label+"]", c.F1, tc.F1[i])
				if c.Support != tc.Support[i] {
					t.Errorf("support[%s] = %d, want %d", c.Label, c.Support, tc.Support[i])
				}
			}
			near(t, "macro F1", r.MacroF1, tc.MacroF1)
			near(t, "weighted F1", r.WeightedF1, tc.WeightedF1)
			near(t, "micro F1", r.MicroF1, tc.MicroF1)
			near(t, "accuracy", r.Accuracy, tc.Accuracy)
			near(t, "balanced accuracy", r.BalancedAccuracy, tc.BalancedAccuracy)
			near(t, "MacroF1()", MacroF1(yt, yp, len(tc.Labels)), tc.MacroF1)
			near(t, "Accuracy()", Accuracy(yt, yp), tc.Accuracy)
		})
	}
}

func TestEvaluateErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		yTrue, yPred []int
		labels       []string
		want         string
		is           error
	}{
		{"mismatched lengths", []int{0, 1}, []int{0}, []string{"a", "b"}, "len(yTrue) = 2 but len(yPred) = 1", nil},
		{"true out of range", []int{0, 2}, []int{0, 1}, []string{"a", "b"}, "yTrue[1] = 2 outside [0, 2)", nil},
		{"pred negative", []int{0, 1}, []int{0, -1}, []string{"a", "b"}, "yPred[1] = -1 outside [0, 2)", nil},
		{"no labels", []int{0}, []int{0}, nil, "no labels", nil},
		{"empty", []int{}, []int{}, []string{"a"}, "no samples", ErrEmpty},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Evaluate(tc.yTrue, tc.yPred, tc.labels)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want errors.Is %v", err, tc.is)
			}
		})
	}
}

func TestFastPathEdgeCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		yTrue, yPred []int
		k            int
		macro, acc   float64 // NaN marks invalid input
	}{
		// Hand computation: class 0 P=2/3 R=1 F1=0.8; class 1 P=1 R=1/2 F1=2/3;
		// class 2 absent everywhere F1=0 → macro (0.8+2/3+0)/3.
		{"absent class counts as zero", []int{0, 0, 1, 1}, []int{0, 0, 0, 1}, 3, (0.8 + 2.0/3) / 3, 0.75},
		{"empty", nil, nil, 2, 0, 0},
		{"mismatched", []int{0}, []int{0, 1}, 2, math.NaN(), math.NaN()},
		{"out of range", []int{0, 5}, []int{0, 1}, 2, math.NaN(), 0.5},
		{"k zero", []int{0}, []int{0}, 0, math.NaN(), 1},
		// More classes than the stack buffer holds: falls back to the heap.
		{"many classes", []int{99, 0}, []int{99, 1}, 100, 1.0 / 100, 0.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			check := func(what string, got, want float64) {
				t.Helper()
				if math.IsNaN(want) != math.IsNaN(got) || (!math.IsNaN(want) && math.Abs(got-want) > tol) {
					t.Errorf("%s = %v, want %v", what, got, want)
				}
			}
			check("MacroF1", MacroF1(tc.yTrue, tc.yPred, tc.k), tc.macro)
			check("Accuracy", Accuracy(tc.yTrue, tc.yPred), tc.acc)
		})
	}
}

func TestMacroF1DoesNotAllocate(t *testing.T) {
	yt := make([]int, 1000)
	yp := make([]int, 1000)
	for i := range yt {
		yt[i], yp[i] = i%5, (i*7)%5
	}
	if n := testing.AllocsPerRun(10, func() { MacroF1(yt, yp, 5); Accuracy(yt, yp) }); n != 0 {
		t.Fatalf("MacroF1+Accuracy allocate %v times per call, want 0", n)
	}
}

func TestReportString(t *testing.T) {
	t.Parallel()
	// Expected text printed by scikit-learn 1.2.1:
	// classification_report(["alpha","b","alpha","a-very-long-label","alpha"],
	//   ["alpha","alpha","alpha","a-very-long-label","b"], zero_division=0)
	// labels=["alpha","b","a-very-long-label"].
	r, err := Evaluate([]int{0, 1, 0, 2, 0}, []int{0, 0, 0, 2, 1}, []string{"alpha", "b", "a-very-long-label"})
	if err != nil {
		t.Fatal(err)
	}
	want := "" +
		"                   precision    recall  f1-score   support\n" +
		"\n" +
		"            alpha       0.67      0.67      0.67         3\n" +
		"                b       0.00      0.00      0.00         1\n" +
		"a-very-long-label       1.00      1.00      1.00         1\n" +
		"\n" +
		"         accuracy                           0.60         5\n" +
		"        macro avg       0.56      0.56      0.56         5\n" +
		"     weighted avg       0.60      0.60      0.60         5\n"
	if got := r.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
}

func BenchmarkMacroF1(b *testing.B) {
	yt := make([]int, 10000)
	yp := make([]int, 10000)
	for i := range yt {
		yt[i], yp[i] = i%5, (i*7)%5
	}
	b.ReportAllocs()
	for b.Loop() {
		MacroF1(yt, yp, 5)
	}
}
