package metrics

import (
	"fmt"
	"strings"
)

// Class holds the scores of one class.
type Class struct {
	// Label is the class name.
	Label string `json:"label"`
	// Precision is TP / (TP + FP), 0 when the class was never predicted.
	Precision float64 `json:"precision"`
	// Recall is TP / (TP + FN), 0 when the class never occurs in y_true.
	Recall float64 `json:"recall"`
	// F1 is the harmonic mean of Precision and Recall, 0 when both are 0.
	F1 float64 `json:"f1"`
	// Support is the number of samples whose true class is this one.
	Support int `json:"support"`
}

// Report is the full evaluation of a set of predictions against the truth.
type Report struct {
	// Labels names the classes; index i of every per-class slice is Labels[i].
	Labels []string `json:"labels"`
	// Classes holds per-class scores in label order.
	Classes []Class `json:"classes"`
	// Confusion[i][j] counts samples of true class i predicted as class j.
	Confusion [][]int `json:"confusion"`
	// Samples is the number of scored samples.
	Samples int `json:"samples"`
	// Accuracy is the fraction of correct predictions.
	Accuracy float64 `json:"accuracy"`
	// BalancedAccuracy is the mean recall over the classes present in y_true
	// (scikit-learn's balanced_accuracy_score, which skips absent classes).
	BalancedAccuracy float64 `json:"balanced_accuracy"`
	// MacroPrecision, MacroRecall and MacroF1 are unweighted means over all
	// classes, including classes absent from both y_true and y_pred.
	MacroPrecision float64 `json:"macro_precision"`
	MacroRecall    float64 `json:"macro_recall"`
	MacroF1        float64 `json:"macro_f1"`
	// WeightedPrecision, WeightedRecall and WeightedF1 are means weighted by
	// support; they are 0 when the total support is 0.
	WeightedPrecision float64 `json:"weighted_precision"`
	WeightedRecall    float64 `json:"weighted_recall"`
	WeightedF1        float64 `json:"weighted_f1"`
	// MicroF1 is F1 of the pooled counts over all classes; with every
	// prediction inside the label set it equals Accuracy.
	MicroF1 float64 `json:"micro_f1"`
}

// Evaluate scores yPred against yTrue, both class indices into labels.
// It returns an error if the lengths differ, labels is empty, a label is
// outside [0, len(labels)), or the input is empty (ErrEmpty).
func Evaluate(yTrue, yPred []int, labels []string) (Report, error) {
	k := len(labels)
	if k == 0 {
		return Report{}, fmt.Errorf("metrics: evaluate: no labels")
	}
	cm, err := Confusion(yTrue, yPred, k)
	if err != nil {
		return Report{}, fmt.Errorf("evaluate: %w", err)
	}
	if len(yTrue) == 0 {
		return Report{}, fmt.Errorf("evaluate: %w", ErrEmpty)
	}
	return fromConfusion(cm, labels, len(yTrue)), nil
}

// fromConfusion derives every score from a k×k confusion matrix.
func fromConfusion(cm [][]int, labels []string, n int) Report {
	k := len(labels)
	r := Report{
		Labels:    append([]string(nil), labels...),
		Classes:   make([]Class, k),
		Confusion: cm,
		Samples:   n,
	}
	nPred := make([]int, k)
	for i := range k {
		for j := range k {
			nPred[j] += cm[i][j]
		}
	}
	var tpSum, predSum, trueSum int
	var recallSum float64
	present := 0
	for c := range k {
		tp := cm[c][c]
		support := 0
		for _, v := range cm[c] {
			support += v
		}
		p := div(float64(tp), float64(nPred[c]))
		rec := div(float64(tp), float64(support))
		r.Classes[c] = Class{Label: labels[c], Precision: p, Recall: rec, F1: f1(p, rec), Support: support}
		tpSum += tp
		predSum += nPred[c]
		trueSum += support
		if support > 0 {
			recallSum += rec
			present++
		}
	}
	var mp, mr, mf, wp, wr, wf float64
	for _, c := range r.Classes {
		mp += c.Precision
		mr += c.Recall
		mf += c.F1
		w := float64(c.Support)
		wp += c.Precision * w
		wr += c.Recall * w
		wf += c.F1 * w
	}
	fk := float64(k)
	r.MacroPrecision, r.MacroRecall, r.MacroF1 = mp/fk, mr/fk, mf/fk
	ts := float64(trueSum)
	r.WeightedPrecision, r.WeightedRecall, r.WeightedF1 = div(wp, ts), div(wr, ts), div(wf, ts)
	r.MicroF1 = f1(div(float64(tpSum), float64(predSum)), div(float64(tpSum), ts))
	r.Accuracy = div(float64(tpSum), float64(n))
	r.BalancedAccuracy = div(recallSum, float64(present))
	return r
}

// String renders the report in the layout of scikit-learn's
// classification_report with two digits: one row per class, then accuracy,
// macro avg and weighted avg.
func (r Report) String() string {
	const digits = 2
	headers := []string{"precision", "recall", "f1-score", "support"}
	width := len("weighted avg")
	for _, l := range r.Labels {
		if n := len([]rune(l)); n > width {
			width = n
		}
	}
	var b strings.Builder
	pad := func(s string) string {
		if n := len([]rune(s)); n < width {
			return strings.Repeat(" ", width-n) + s
		}
		return s
	}
	b.WriteString(pad(""))
	b.WriteByte(' ')
	for _, h := range headers {
		fmt.Fprintf(&b, " %9s", h)
	}
	b.WriteString("\n\n")
	row := func(name string, p, rec, f float64, support int) {
		fmt.Fprintf(&b, "%s  %9.*f %9.*f %9.*f %9d\n", pad(name), digits, p, digits, rec, digits, f, support)
	}
	for _, c := range r.Classes {
		row(c.Label, c.Precision, c.Recall, c.F1, c.Support)
	}
	b.WriteByte('\n')
	total := 0
	for _, c := range r.Classes {
		total += c.Support
	}
	fmt.Fprintf(&b, "%s  %9s %9s %9.*f %9d\n", pad("accuracy"), "", "", digits, r.Accuracy, total)
	row("macro avg", r.MacroPrecision, r.MacroRecall, r.MacroF1, total)
	row("weighted avg", r.WeightedPrecision, r.WeightedRecall, r.WeightedF1, total)
	return b.String()
}
