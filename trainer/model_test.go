package trainer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sweep-ml/sweep/trainer/data"
	"github.com/sweep-ml/sweep/trainer/internal/kernel"
)

// TestSaveLoad round-trips fitted models of both precisions and checks that
// the loaded model predicts bit-identical probabilities and the same loss.
func TestSaveLoad(t *testing.T) {
	t.Parallel()
	dense := blobs(200, 6, 3, 1, 5)
	sparse := sparseBlobs(200, 50, 3, 0.1, 6)
	cases := []struct {
		name string
		cfg  Config
		set  data.Set
	}{
		{"float32 relu", Config{Layers: []int{8, 4}, Dropout: 0.1, Epochs: 3}, dense},
		{"float64 tanh l2", Config{Layers: []int{5}, Activation: ActivationTanh, L2: 0.01, Epochs: 3, Precision: PrecisionFloat64}, dense},
		{"float32 no hidden sparse", Config{Layers: []int{}, Epochs: 3}, sparse},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m, _, err := Fit(context.Background(), c.cfg, c.set, c.set, 3, 3, nil)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := m.Save(&buf); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte(`{"format":"sweep-mlp","version":1,`)) {
				t.Errorf("header: %.80s", buf.String())
			}
			got, err := Load(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if got.Inputs() != m.Inputs() || got.Classes() != 3 || got.Config().Precision != m.Config().Precision {
				t.Errorf("loaded shape %d→%d %s", got.Inputs(), got.Classes(), got.Config().Precision)
			}
			p1, err := m.PredictProba(c.set.X)
			if err != nil {
				t.Fatal(err)
			}
			p2, err := got.PredictProba(c.set.X)
			if err != nil {
				t.Fatal(err)
			}
			for i := range p1 {
				var s float64
				for j := range p1[i] {
					if math.Float64bits(p1[i][j]) != math.Float64bits(p2[i][j]) {
						t.Fatalf("row %d class %d: %v before, %v after", i, j, p1[i][j], p2[i][j])
					}
					s += p1[i][j]
				}
				if math.Abs(s-1) > 1e-9 {
					t.Fatalf("row %d: probabilities sum to %v", i, s)
				}
			}
			l1, pr1, err := m.Evaluate(c.set)
			if err != nil {
				t.Fatal(err)
			}
			l2, pr2, _ := got.Evaluate(c.set)
			pr, _ := got.Predict(c.set.X)
			if l1 != l2 || !equalInts(pr1, pr2) || !equalInts(pr1, pr) {
				t.Errorf("evaluate: loss %v vs %v, predictions differ %v", l1, l2, !equalInts(pr1, pr2))
			}
			// Saving the loaded model reproduces the file byte for byte.
			var again bytes.Buffer
			if err := got.Save(&again); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Errorf("re-saved file differs (%v)", err)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func savedModel(t testing.TB) []byte {
	t.Helper()
	set := blobs(50, 4, 3, 1, 5)
	m, _, err := Fit(context.Background(), Config{Layers: []int{3}, Epochs: 1}, set, set, 3, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestLoadErrors checks that damaged files are rejected with a reason.
func TestLoadErrors(t *testing.T) {
	t.Parallel()
	good := savedModel(t)
	nl := bytes.IndexByte(good, '\n')
	head, body := string(good[:nl]), good[nl+1:]
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "unexpected end of file before newline"},
		{"not json", []byte("hello\n"), "header: invalid character"},
		{"other format", []byte(strings.Replace(head, "sweep-mlp", "keras", 1) + "\n" + string(body)), `format: want "sweep-mlp", got "keras"`},
		{"newer version", []byte(strings.Replace(head, `"version":1`, `"version":2`, 1) + "\n" + string(body)), "version: this build reads version 1, got 2"},
		{"param count", []byte(strings.Replace(head, `"params":27`, `"params":26`, 1) + "\n" + string(body)), "params: sizes [4 3 3] need 27, got 26"},
		{"truncated", good[:len(good)-3], "parameters: read 0 of 27 values: unexpected EOF"},
		{"trailing data", append(append([]byte{}, good...), 0), "data follows the parameters"},
		{"nan weight", append([]byte(head+"\n"), bytes.Repeat([]byte{0, 0, 0xc0, 0x7f}, 27)...), "value 0 is not finite"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(bytes.NewReader(c.file))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Load: %v, want %q", err, c.want)
			}
		})
	}
}

// TestPredictErrors checks that a matrix of the wrong width is an error.
func TestPredictErrors(t *testing.T) {
	t.Parallel()
	m, err := Load(bytes.NewReader(savedModel(t)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Predict(data.Matrix{Rows: 1, Cols: 5, Dense: make([]float64, 5)}); err == nil ||
		!strings.Contains(err.Error(), "x: has 5 columns, want 4") {
		t.Errorf("Predict: %v", err)
	}
	if _, _, err := m.Evaluate(data.Set{X: data.Matrix{Rows: 1, Cols: 4, Dense: make([]float64, 4)}, Y: []int{7}}); err == nil ||
		!strings.Contains(err.Error(), "y[0]: label 7 outside [0, 3)") {
		t.Errorf("Evaluate: %v", err)
	}
}

// FuzzLoad checks that Load never panics and that whatever it accepts
// survives Load → Save → Load: the second model equals the first (shape,
// config, activation and every parameter bit for bit), and saving it again
// gives the same bytes as the first Save. Save writes a canonical file, so
// the input's own bytes come back only when it was canonical already (JSON
// spacing, field order and defaults left out may differ); for the seeds
// Save wrote, they must.
func FuzzLoad(f *testing.F) {
	good := savedModel(f)
	// A float64 tanh model without hidden layers, with penalties and SGD.
	set := blobs(30, 3, 2, 1, 4)
	cfg := Config{Layers: []int{}, Activation: ActivationTanh, L1: 1e-4, L2: 0.25, Epochs: 1, Precision: PrecisionFloat64,
		Optimizer: OptimizerConfig{Name: OptimizerSGD, Momentum: 0.5, Nesterov: true}}
	m64, _, err := Fit(context.Background(), cfg, set, set, 2, 1, nil)
	if err != nil {
		f.Fatal(err)
	}
	var other bytes.Buffer
	if err := m64.Save(&other); err != nil {
		f.Fatal(err)
	}
	canonical := [][]byte{good, other.Bytes()}
	// Spaces after the header's colons: accepted, but not what Save writes.
	nl := bytes.IndexByte(good, '\n')
	spaced := append(bytes.ReplaceAll(good[:nl], []byte(`":`), []byte(`": `)), good[nl:]...)
	if _, err := Load(bytes.NewReader(spaced)); err != nil {
		f.Fatalf("spaced seed: %v", err)
	}
	f.Add(good)
	f.Add(other.Bytes())
	f.Add(spaced)
	f.Add(good[:len(good)/2])
	f.Add([]byte(`{"format":"sweep-mlp","version":1,"precision":"float64","sizes":[1000000,1000000,2],"activation":"relu","params":1000001000002}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Load(bytes.NewReader(b))
		if err != nil {
			return
		}
		var first bytes.Buffer
		if err := m.Save(&first); err != nil {
			t.Fatal(err)
		}
		for _, c := range canonical {
			if bytes.Equal(b, c) && !bytes.Equal(first.Bytes(), c) {
				t.Fatalf("a file Save wrote saves back to different bytes:\n%q\n%q", c, first.Bytes())
			}
		}
		again, err := Load(bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatalf("saved model does not load: %v", err)
		}
		if err := sameModel(m, again); err != nil {
			t.Fatalf("after Save and Load: %v", err)
		}
		var second bytes.Buffer
		if err := again.Save(&second); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Fatalf("saving the reloaded model gives other bytes:\n%q\n%q", first.Bytes(), second.Bytes())
		}
	})
}

// sameModel says how a and b differ, or returns nil when they have the same
// shape, config, activation and parameters bit for bit.
func sameModel(a, b *Model) error {
	if a.inputs != b.inputs || a.classes != b.classes {
		return fmt.Errorf("shape %d→%d vs %d→%d", a.inputs, a.classes, b.inputs, b.classes)
	}
	if !reflect.DeepEqual(a.cfg, b.cfg) {
		return fmt.Errorf("config %+v vs %+v", a.cfg, b.cfg)
	}
	if (a.n32 == nil) != (b.n32 == nil) || (a.n64 == nil) != (b.n64 == nil) {
		return errors.New("precision differs")
	}
	if a.n32 != nil {
		return sameNet(a.n32, b.n32)
	}
	return sameNet(a.n64, b.n64)
}

func sameNet[T kernel.Float](a, b *net[T]) error {
	if !slices.Equal(a.sizes, b.sizes) || a.act != b.act || a.nKernel != b.nKernel || len(a.params) != len(b.params) {
		return fmt.Errorf("net %v %s vs %v %s", a.sizes, a.act, b.sizes, b.act)
	}
	for i := range a.params {
		if math.Float64bits(float64(a.params[i])) != math.Float64bits(float64(b.params[i])) {
			return fmt.Errorf("parameter %d: %v vs %v", i, a.params[i], b.params[i])
		}
	}
	return nil
}

// TestSparseDenseAgree checks that a model trained on CSR rows predicts the
// same classes, and nearly the same probabilities, for the same rows given
// densely.
func TestSparseDenseAgree(t *testing.T) {
	t.Parallel()
	set := sparseBlobs(300, 80, 3, 0.1, 9)
	m, _, err := Fit(context.Background(), Config{Layers: []int{16}, Epochs: 5}, set, set, 3, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := m.PredictProba(set.X)
	if err != nil {
		t.Fatal(err)
	}
	pd, err := m.PredictProba(set.X.ToDense())
	if err != nil {
		t.Fatal(err)
	}
	for i := range ps {
		for j := range ps[i] {
			if math.Abs(ps[i][j]-pd[i][j]) > 1e-5 {
				t.Fatalf("row %d class %d: sparse %v, dense %v", i, j, ps[i][j], pd[i][j])
			}
		}
	}
}

// TestPredictChunks predicts more rows than one conversion chunk holds, CSR
// and dense, and compares with predicting the same rows in small slices.
func TestPredictChunks(t *testing.T) {
	t.Parallel()
	set := sparseBlobs(predictChunk*2+123, 30, 3, 0.2, 12)
	m, _, err := Fit(context.Background(), Config{Layers: []int{8}, Epochs: 1}, set, set, 3, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []data.Matrix{set.X, set.X.ToDense()} {
		all, err := m.PredictProba(x)
		if err != nil {
			t.Fatal(err)
		}
		for r0 := 0; r0 < x.Rows; r0 += 1000 {
			part, err := m.PredictProba(x.SelectRows(seq(r0, min(r0+1000, x.Rows))))
			if err != nil {
				t.Fatal(err)
			}
			for i := range part {
				for j := range part[i] {
					if math.Abs(part[i][j]-all[r0+i][j]) > 1e-6 {
						t.Fatalf("sparse %v, row %d class %d: %v in one call, %v in slices", x.IsSparse(), r0+i, j, all[r0+i][j], part[i][j])
					}
				}
			}
		}
	}
}
