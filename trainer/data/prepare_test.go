package data

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func loadIris(t testing.TB) *Table {
	t.Helper()
	tab, err := Load(context.Background(), irisPath, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestPrepareIris(t *testing.T) {
	t.Parallel()
	tab := loadIris(t)
	p, err := Prepare(context.Background(), tab, Config{}, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Classes, []string{"setosa", "versicolor", "virginica"}) {
		t.Errorf("classes %q", p.Classes)
	}
	// 50 per class: test round(10) = 10, validation round(0.2·40) = 8, train 32.
	for name, tc := range map[string]struct {
		s    Set
		want int
	}{"train": {p.Train, 32}, "val": {p.Val, 8}, "test": {p.Test, 10}} {
		if got := ClassCounts(tc.s.Y, 3); !slices.Equal(got, []int{tc.want, tc.want, tc.want}) {
			t.Errorf("%s class counts %v, want %d each", name, got, tc.want)
		}
		if tc.s.X.Cols != 4 || tc.s.X.Rows != 3*tc.want {
			t.Errorf("%s shape %d×%d", name, tc.s.X.Rows, tc.s.X.Cols)
		}
	}
	// Standard scaling fitted on train: train columns have mean 0 and
	// variance 1 (ddof 0); validation columns in general do not.
	for j := range 4 {
		var s, ss float64
		for i := 0; i < p.Train.X.Rows; i++ {
			v := p.Train.X.Row(i)[j]
			s += v
			ss += v * v
		}
		n := float64(p.Train.X.Rows)
		if math.Abs(s/n) > 1e-12 || math.Abs(ss/n-1) > 1e-12 {
			t.Errorf("train column %d: mean %v, variance %v", j, s/n, ss/n)
		}
	}
	if p.ClassWeights != nil {
		t.Errorf("class weights %v without class_weight", p.ClassWeights)
	}
	again, err := Prepare(context.Background(), tab, Config{}, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, again) {
		t.Error("same seeds, different output")
	}
	other, err := Prepare(context.Background(), tab, Config{}, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(p.Test, other.Test) {
		t.Error("different split seeds, same test set")
	}
}

func TestResampleLeavesValidationAndTestAlone(t *testing.T) {
	t.Parallel()
	tab := loadWineImbalanced(t)
	ctx := context.Background()
	f, err := Fit(ctx, tab, Config{}, 4)
	if err != nil {
		t.Fatal(err)
	}
	valBefore, testBefore := clone(f.Val), clone(f.Test)
	trainBefore := clone(f.Train)
	for _, s := range []string{SampleNone, SampleOversample, SampleUndersample, SampleSMOTE, SampleClassWeight} {
		p, err := f.Resample(Sampling{Strategy: s}, 9)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if !reflect.DeepEqual(p.Val, valBefore) || !reflect.DeepEqual(p.Test, testBefore) {
			t.Errorf("%s: validation or test set changed", s)
		}
		// No validation or test row appears in the training set.
		for i := 0; i < p.Train.X.Rows; i++ {
			r := p.Train.X.Row(i)
			if rowIndex(f.Val.X, f.Val.Y, p.Train.Y[i], r) >= 0 || rowIndex(f.Test.X, f.Test.Y, p.Train.Y[i], r) >= 0 {
				t.Fatalf("%s: training row %d copies a validation or test row", s, i)
			}
		}
		// Same result as Prepare with the same seeds.
		direct, err := Prepare(ctx, tab, Config{Sampling: Sampling{Strategy: s}}, 4, 9)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(direct.Train, p.Train) || !reflect.DeepEqual(direct.Test, p.Test) {
			t.Errorf("%s: Fit+Resample differs from Prepare", s)
		}
	}
	if !reflect.DeepEqual(f.Train, trainBefore) {
		t.Error("Resample modified the fitted training set")
	}
}

func clone(s Set) Set {
	return Set{X: s.X.SelectRows(seq(s.X.Rows)), Y: slices.Clone(s.Y)}
}

func seq(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// loadWineImbalanced returns wine.csv with class_2 cut to its first 20
// rows, so the resampling strategies have something to do.
func loadWineImbalanced(t testing.TB) *Table {
	t.Helper()
	tab, err := Load(context.Background(), "../../experiments/data/wine.csv", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(strings.Join(tab.Features, ",") + ",label\n")
	kept := 0
	for i := range tab.Len() {
		if tab.Labels[i] == "class_2" {
			if kept == 20 {
				continue
			}
			kept++
		}
		for _, v := range tab.Row(i) {
			fmt.Fprintf(&b, "%v,", v)
		}
		b.WriteString(tab.Labels[i] + "\n")
	}
	out, err := Read(context.Background(), strings.NewReader(b.String()), "wine-imbalanced.csv", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPipelineRoundTripAndPredict(t *testing.T) {
	t.Parallel()
	tab := loadIris(t)
	ctx := context.Background()
	for _, cfg := range []Config{{}, {Scale: ScaleMinMax, Impute: ImputeMedian}, {Scale: ScaleNone, Impute: ImputeMostFrequent}} {
		f, err := Fit(ctx, tab, cfg, 5)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(f.Pipeline)
		if err != nil {
			t.Fatal(err)
		}
		p, err := DecodePipeline(b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p, f.Pipeline) || p.Fingerprint() != f.Pipeline.Fingerprint() {
			t.Fatalf("%+v: pipeline changed in a JSON round trip", cfg)
		}
		all, err := p.Transform(tab)
		if err != nil {
			t.Fatal(err)
		}
		for k, i := range f.TestRows {
			if !slices.Equal(all.X.Row(i), f.Test.X.Row(k)) || all.Y[i] != f.Test.Y[k] {
				t.Fatalf("%+v: reloaded pipeline transforms table row %d differently", cfg, i)
			}
		}
	}
	// A prediction file without the label column, columns reordered.
	pred := "petal_width_cm,petal_length_cm,sepal_width_cm,sepal_length_cm,extra\n0.2,1.4,3.5,5.1,x\n"
	pt, err := Read(ctx, strings.NewReader(pred), "new.csv", LoadOptions{LabelOptional: true, Features: []string{"sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Fit(ctx, tab, Config{}, 5)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Pipeline.Transform(pt)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := f.Pipeline.Transform(tab)
	if s.Y != nil || !slices.Equal(s.X.Row(0), full.X.Row(0)) { // row 0 of iris.csv is 5.1,3.5,1.4,0.2
		t.Errorf("prediction row %v (Y %v), want %v", s.X.Row(0), s.Y, full.X.Row(0))
	}
	if f.Pipeline.Fingerprint() == (&Pipeline{}).Fingerprint() || len(f.Pipeline.Fingerprint()) != 64 {
		t.Error("fingerprint does not identify the pipeline")
	}
}

func TestPipelineTransformErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, err := Fit(ctx, loadIris(t), Config{}, 5)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ content, want string }{
		{"sepal_length_cm,label\n1,setosa\n", `feature column "sepal_width_cm" not in the table`},
		{"sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,label\n1,2,3,4,rose\n", `new.csv:2: label "rose" is not one of the fitted classes`},
	}
	for _, tc := range tests {
		tab, err := Read(ctx, strings.NewReader(tc.content), "new.csv", LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Pipeline.Transform(tab); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
	for _, bad := range []string{`{"version":2}`, `{"version":1,"classes":["b","a"]}`, `{"version":1,"classes":["a","b"],"features":["x"]}`, `{"version":1,"bogus":1}`} {
		if _, err := DecodePipeline([]byte(bad)); err == nil {
			t.Errorf("DecodePipeline(%s) accepted", bad)
		}
	}
}

func TestPrepareErrorsAndDrop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	read := func(content string) *Table {
		t.Helper()
		tab, err := Read(ctx, strings.NewReader(content), "f.csv", LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return tab
	}
	var b strings.Builder
	b.WriteString("a,b,label\n")
	for i := range 30 {
		miss := "NA"
		if i%3 != 0 {
			miss = fmt.Sprint(i)
		}
		fmt.Fprintf(&b, "%d,%s,%s\n", i, miss, []string{"x", "y"}[i%2])
	}
	missing := read(b.String())
	p, err := Prepare(ctx, missing, Config{Impute: ImputeDrop}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if n := p.Train.Len() + p.Val.Len() + p.Test.Len(); n != 20 || !slices.ContainsFunc(p.Notes, func(s string) bool { return strings.Contains(s, "10 of 30 rows dropped") }) {
		t.Errorf("kept %d rows, notes %q", n, p.Notes)
	}
	if _, err := p.Pipeline.Transform(missing); err == nil || !strings.Contains(err.Error(), `f.csv:2: column "b": missing value`) {
		t.Errorf("transform with drop: %v", err)
	}
	p, err = Prepare(ctx, missing, Config{Impute: ImputeMean}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Set{p.Train, p.Val, p.Test} {
		if slices.ContainsFunc(s.X.Dense, math.IsNaN) {
			t.Error("NaN left after mean imputation")
		}
	}

	// Finite values whose squares overflow: named by feature, not blamed on NaN.
	var huge strings.Builder
	huge.WriteString("a,big,label\n")
	for i := range 30 {
		fmt.Fprintf(&huge, "%d,%s,%s\n", i, []string{"1.7e308", "-1.7e308", "3"}[i%3], []string{"x", "y"}[i%2])
	}
	for _, scale := range []string{ScaleStandard, ScaleMinMax} {
		_, err := Prepare(ctx, read(huge.String()), Config{Scale: scale}, 1, 1)
		if err == nil || !strings.Contains(err.Error(), `scaler: feature "big": holds values too large to scale (largest magnitude 1.7e+308`) {
			t.Errorf("%s scaling of huge values: %v", scale, err)
		}
	}

	oneClass := read("a,label\n1,x\n2,x\n3,x\n")
	if _, err := Prepare(ctx, oneClass, Config{}, 1, 1); err == nil || !strings.Contains(err.Error(), `one class only ("x")`) {
		t.Errorf("one class: %v", err)
	}
	small := read("a,label\n1,x\n2,x\n3,x\n4,y\n5,x\n")
	if _, err := Prepare(ctx, small, Config{}, 1, 1); err == nil || !strings.Contains(err.Error(), `class "y" has 1 members`) {
		t.Errorf("small class: %v", err)
	}
	unlabelled, err := Read(ctx, strings.NewReader("a\n1\n"), "f.csv", LoadOptions{LabelOptional: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Prepare(ctx, unlabelled, Config{}, 1, 1); err == nil || !strings.Contains(err.Error(), `no label column "label"`) {
		t.Errorf("no labels: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Split: SplitConfig{Test: 1.5}}, "split.test"},
		{Config{Split: SplitConfig{Validation: -0.1}}, "split.validation"},
		{Config{Impute: "zero"}, "impute"},
		{Config{Scale: "robust"}, "scale"},
		{Config{Sampling: Sampling{Strategy: "adasyn"}}, "sampling.strategy"},
		{Config{Sampling: Sampling{Strategy: SampleSMOTE, K: -2}}, "sampling.k"},
	}
	for _, tc := range tests {
		err := tc.cfg.WithDefaults().Validate()
		if err == nil || !strings.HasPrefix(err.Error(), tc.want+":") {
			t.Errorf("%+v: err = %v, want prefix %q", tc.cfg, err, tc.want)
		}
	}
	if err := (Config{}).WithDefaults().Validate(); err != nil {
		t.Errorf("defaults invalid: %v", err)
	}
	d := Config{}.WithDefaults()
	if d.Split.Test != 0.2 || d.Split.Validation != 0.2 || d.Impute != ImputeMean || d.Scale != ScaleStandard || d.Sampling.Strategy != SampleNone || d.Sampling.K != 5 {
		t.Errorf("defaults %+v", d)
	}
}

func TestFitRowsKFold(t *testing.T) {
	t.Parallel()
	tab := loadIris(t)
	classes, y := EncodeLabels(tab.Labels)
	folds, err := StratifiedKFold(y, classes, 5, newRNG(2))
	if err != nil {
		t.Fatal(err)
	}
	f, err := FitRows(context.Background(), tab, Config{}, folds[0].Train, nil, folds[0].Test)
	if err != nil {
		t.Fatal(err)
	}
	if f.Train.Len() != 120 || f.Test.Len() != 30 || f.Val.Len() != 0 {
		t.Errorf("sizes %d/%d/%d", f.Train.Len(), f.Val.Len(), f.Test.Len())
	}
	for _, set := range []struct {
		rows, y []int
	}{{f.TrainRows, f.Train.Y}, {f.TestRows, f.Test.Y}} {
		for k, i := range set.rows {
			if set.y[k] != y[i] {
				t.Fatalf("table row %d: class %d, want %d", i, set.y[k], y[i])
			}
		}
	}
	// Under impute "drop" rows with a missing value leave every set and the
	// others keep their labels: rows 0, 3 and 5 are missing b.
	missing, err := Read(context.Background(), strings.NewReader("a,b,label\n1,NA,x\n2,2,y\n3,3,x\n4,NA,y\n5,5,x\n6,NA,y\n7,7,y\n8,8,x\n"), "m.csv", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, err = FitRows(context.Background(), missing, Config{Impute: ImputeDrop}, []int{0, 1, 2, 3, 4}, []int{5, 6}, []int{7})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name        string
		rows, y     []int
		wantR, want []int
	}{
		{"train", f.TrainRows, f.Train.Y, []int{1, 2, 4}, []int{1, 0, 0}},
		{"validation", f.ValRows, f.Val.Y, []int{6}, []int{1}},
		{"test", f.TestRows, f.Test.Y, []int{7}, []int{0}},
	} {
		if !slices.Equal(c.rows, c.wantR) || !slices.Equal(c.y, c.want) {
			t.Errorf("%s rows %v classes %v, want %v %v", c.name, c.rows, c.y, c.wantR, c.want)
		}
	}
	if _, err := FitRows(context.Background(), tab, Config{}, []int{500}, nil, nil); err == nil || !strings.Contains(err.Error(), "train row 500") {
		t.Errorf("bad row: %v", err)
	}
}

// ExamplePrepare loads iris.csv, splits it 60/20/20 stratified, scales the
// features on the training rows, and oversamples (a no-op here: iris is
// balanced).
func ExamplePrepare() {
	ctx := context.Background()
	tab, err := Load(ctx, "../../experiments/data/iris.csv", LoadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := Config{Sampling: Sampling{Strategy: SampleOversample}}
	p, err := Prepare(ctx, tab, cfg, 42, 7)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("classes:", p.Classes)
	fmt.Println("train, val, test rows:", p.Train.Len(), p.Val.Len(), p.Test.Len())
	fmt.Println("features:", p.Train.X.Cols, p.Pipeline.Scaler.Method)
	// Output:
	// classes: [setosa versicolor virginica]
	// train, val, test rows: 96 24 30
	// features: 4 standard
}

func TestResampleConcurrent(t *testing.T) {
	t.Parallel()
	f, err := Fit(context.Background(), loadWineImbalanced(t), Config{}, 2)
	if err != nil {
		t.Fatal(err)
	}
	strategies := []string{SampleNone, SampleOversample, SampleUndersample, SampleSMOTE, SampleClassWeight}
	want := make([]*Prepared, len(strategies))
	for k, s := range strategies {
		if want[k], err = f.Resample(Sampling{Strategy: s}, uint64(k)); err != nil {
			t.Fatal(err)
		}
	}
	got := make([]*Prepared, len(strategies))
	errs := make(chan error, len(strategies))
	for k, s := range strategies {
		go func() {
			var err error
			got[k], err = f.Resample(Sampling{Strategy: s}, uint64(k))
			errs <- err
		}()
	}
	for range strategies {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("concurrent Resample differs from sequential")
	}
}

func TestPredictOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, err := Fit(ctx, loadIris(t), Config{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	// A prediction file with an id column of text and no label.
	pred := "id,sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\nflower-1,5.1,3.5,1.4,0.2\n"
	tab, err := Read(ctx, strings.NewReader(pred), "new.csv", f.Pipeline.PredictOptions())
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Pipeline.Transform(tab)
	if err != nil {
		t.Fatal(err)
	}
	if s.Y != nil || s.X.Rows != 1 || s.X.Cols != 4 {
		t.Errorf("set %+v", s)
	}

	// A file without one of the columns names it as a trained feature,
	// whether or not the spec listed the features.
	missing := "sepal_length_cm,sepal_width_cm,petal_length_cm\n5.1,3.5,1.4\n"
	_, err = Read(ctx, strings.NewReader(missing), "new.csv", f.Pipeline.PredictOptions())
	want := `new.csv:1: column "petal_width_cm" (a feature the model was trained on) not found in header ["sepal_length_cm" "sepal_width_cm" "petal_length_cm"]`
	if err == nil || err.Error() != want {
		t.Errorf("missing feature: error %v, want %s", err, want)
	}
}

func TestPredictOptionsSeparator(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name, trainFile, train string
		comma                  rune
		predFile, pred         string
	}{
		{"semicolon kept", "train.csv", "a;label\n1;x\n2;y\n3;x\n4;y\n5;x\n6;y\n7;x\n8;y\n9;x\n10;y\n", ';', "new.csv", "a;label\n1;x\n"},
		{"tab from the name", "train.tsv", "a\tlabel\n1\tx\n2\ty\n3\tx\n4\ty\n5\tx\n6\ty\n7\tx\n8\ty\n9\tx\n10\ty\n", 0, "new.csv", "a,label\n1,x\n"},
		{"comma from the name", "train.csv", "a,label\n1,x\n2,y\n3,x\n4,y\n5,x\n6,y\n7,x\n8,y\n9,x\n10,y\n", 0, "new.tsv", "a\tlabel\n1\tx\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tab, err := Read(ctx, strings.NewReader(tc.train), tc.trainFile, LoadOptions{Comma: tc.comma})
			if err != nil {
				t.Fatal(err)
			}
			f, err := Fit(ctx, tab, Config{Split: SplitConfig{Test: 0.2, Validation: 0.25}}, 1)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Read(ctx, strings.NewReader(tc.pred), tc.predFile, f.Pipeline.PredictOptions())
			if err != nil {
				t.Fatal(err)
			}
			if got.Len() != 1 || got.Row(0)[0] != 1 || !slices.Equal(got.Labels, []string{"x"}) {
				t.Errorf("rows %d row 0 %v labels %q, want one row [1] labelled x", got.Len(), got.Row(0), got.Labels)
			}
		})
	}
}

func TestStatisticsFromTrainingRowsOnly(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("a,b,label\n")
	for i := range 60 {
		a := fmt.Sprint(i * i)
		if i%7 == 0 {
			a = "NA"
		}
		fmt.Fprintf(&b, "%s,%d,%s\n", a, i%5, []string{"x", "y", "z"}[i%3])
	}
	tab, err := Read(context.Background(), strings.NewReader(b.String()), "f.csv", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Fit(context.Background(), tab, Config{Scale: ScaleMinMax}, 8)
	if err != nil {
		t.Fatal(err)
	}
	// Recompute the statistics by hand from the training rows only.
	var sum float64
	var n int
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, i := range f.TrainRows {
		if v := tab.Row(i)[0]; !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	fill := sum / float64(n)
	for _, i := range f.TrainRows {
		v := tab.Row(i)[0]
		if math.IsNaN(v) {
			v = fill
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	if got := f.Pipeline.Imputer.Values[0]; math.Abs(got-fill) > 1e-12*fill {
		t.Errorf("imputed mean %v, want %v from the training rows", got, fill)
	}
	if got := f.Pipeline.Scaler; got.Offset[0] != lo || got.Scale[0] != hi-lo {
		t.Errorf("min-max offset %v scale %v, want %v %v from the training rows", got.Offset[0], got.Scale[0], lo, hi-lo)
	}
	var allSum float64
	var allN int
	for i := range tab.Len() {
		if v := tab.Row(i)[0]; !math.IsNaN(v) {
			allSum += v
			allN++
		}
	}
	if allSum/float64(allN) == fill {
		t.Error("test cannot tell training-only statistics from whole-table ones; change the seed")
	}
}
