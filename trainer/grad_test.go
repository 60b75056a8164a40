package trainer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sweep-ml/sweep/trainer/internal/kernel"
)

// gradCase is one network and loss whose analytic gradient is compared with
// central differences.
type gradCase struct {
	name    string
	act     actKind
	hidden  []int
	dropout float64
	cw      []float64
	l1, l2  float64
	sparse  bool
}

// gradInput builds a small random batch (dense or CSR) and labels.
func gradInput(rng *rand.Rand, rows, cols, classes int, sparse bool) (mat[float64], []int) {
	x := mat[float64]{rows: rows, cols: cols}
	y := make([]int, rows)
	for i := range y {
		y[i] = rng.IntN(classes)
	}
	if !sparse {
		x.dense = make([]float64, rows*cols)
		for i := range x.dense {
			x.dense[i] = rng.NormFloat64()
		}
		return x, y
	}
	x.indptr = []int{0}
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			if rng.Float64() < 0.3 {
				x.indices = append(x.indices, int32(c))
				x.values = append(x.values, rng.NormFloat64())
			}
		}
		x.indptr = append(x.indptr, len(x.indices))
	}
	return x, y
}

// TestGradientFiniteDifference checks backward + regularize against central
// differences of the loss (1/B)·Σ w_y·CE + L1·Σ|w| + L2·Σw² for every
// activation, a fixed dropout mask, class weights, L1, L2 and CSR input.
func TestGradientFiniteDifference(t *testing.T) {
	t.Parallel()
	cases := []gradCase{
		{name: "relu", act: actReLU, hidden: []int{6}},
		{name: "tanh", act: actTanh, hidden: []int{6, 5}},
		{name: "sigmoid", act: actSigmoid, hidden: []int{6}},
		{name: "elu", act: actELU, hidden: []int{6, 4}},
		{name: "no hidden layer", act: actReLU, hidden: nil},
		{name: "dropout relu", act: actReLU, hidden: []int{8, 6}, dropout: 0.4},
		{name: "dropout tanh", act: actTanh, hidden: []int{8}, dropout: 0.25},
		{name: "class weights", act: actTanh, hidden: []int{5}, cw: []float64{0.5, 2, 1.25}},
		{name: "l1", act: actELU, hidden: []int{5}, l1: 0.03},
		{name: "l2", act: actSigmoid, hidden: []int{5}, l2: 0.05},
		{name: "l1 l2 weights dropout", act: actReLU, hidden: []int{7}, dropout: 0.3, cw: []float64{1, 3, 0.2}, l1: 0.01, l2: 0.02},
		{name: "sparse input", act: actTanh, hidden: []int{6}, sparse: true},
		{name: "sparse input dropout l2", act: actELU, hidden: []int{6, 3}, dropout: 0.2, l2: 0.01, sparse: true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			const rows, cols, classes = 7, 5, 3
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			sizes := append(append([]int{cols}, c.hidden...), classes)
			n := newNet[float64](sizes, c.act)
			n.initialize(rng)
			for j := range n.params { // non-zero biases exercise their gradient too
				if j >= n.nKernel {
					n.params[j] = 0.1 * rng.NormFloat64()
				}
			}
			x, y := gradInput(rng, rows, cols, classes, c.sparse)
			ws := newWork[float64](sizes, rows, c.dropout > 0, true)
			if c.dropout > 0 {
				ws.sampleMasks(rand.NewPCG(uint64(i), 9), rows, c.dropout)
			}
			dropout := c.dropout > 0
			loss := func() float64 {
				n.forward(ws, x, dropout)
				s, _ := ws.softmaxLoss(classes, y, nil, c.cw, false, rows)
				return s/rows + n.penalty(c.l1, c.l2)
			}
			n.forward(ws, x, dropout)
			ws.softmaxLoss(classes, y, nil, c.cw, true, rows)
			n.backward(ws, x, dropout)
			regularize(n.params[:n.nKernel], ws.grad, c.l1, c.l2)
			analytic := append([]float64{}, ws.grad...)

			const h = 1e-6
			for j := range n.params {
				orig := n.params[j]
				n.params[j] = orig + h
				up := loss()
				n.params[j] = orig - h
				down := loss()
				n.params[j] = orig
				num := (up - down) / (2 * h)
				if d := math.Abs(num - analytic[j]); d > 1e-6*math.Max(1, math.Abs(num)) {
					t.Errorf("param %d (%s): analytic %.10g, numeric %.10g", j, paramName(sizes, j), analytic[j], num)
				}
			}
		})
	}
}

// paramName says which layer's kernel or bias holds parameter j.
func paramName(sizes []int, j int) string {
	_, kernels := paramCount(sizes)
	off := 0
	for l := 0; l+1 < len(sizes); l++ {
		n := sizes[l] * sizes[l+1]
		if j < kernels && j < off+n {
			return fmt.Sprintf("w%d[%d]", l, j-off)
		}
		off += n
	}
	for l := 0; l+1 < len(sizes); l++ {
		if j < off+sizes[l+1] {
			return fmt.Sprintf("b%d[%d]", l, j-off)
		}
		off += sizes[l+1]
	}
	return "?"
}

// TestDropoutMask checks the mask values (0 or 1/(1-rate)) and that the kept
// fraction is close to 1-rate.
func TestDropoutMask(t *testing.T) {
	t.Parallel()
	for _, rate := range []float64{0.1, 0.5, 0.8} {
		ws := newWork[float32]([]int{3, 101, 2}, 64, true, true)
		ws.sampleMasks(rand.NewPCG(1, 2), 64, rate)
		kept := 0
		for _, v := range ws.mask[0] {
			switch v {
			case 0:
			case float32(1 / (1 - rate)):
				kept++
			default:
				t.Fatalf("rate %v: mask value %v", rate, v)
			}
		}
		frac := float64(kept) / float64(len(ws.mask[0]))
		// 6464 Bernoulli draws: 4 standard deviations is < 0.025.
		if math.Abs(frac-(1-rate)) > 0.025 {
			t.Errorf("rate %v: kept %.4f, want ≈ %.2f", rate, frac, 1-rate)
		}
	}
}

// TestSoftmaxLoss checks the loss, the arg-max count and the gradient of
// softmaxLoss on two rows whose softmax is exact by hand: logits
// (0, ln 2, ln 5) give e^z = (1, 2, 5) and p = (1, 2, 5)/8; logits
// (ln 3, 0, 0) give p = (3, 1, 1)/5. With labels 2 and 1 the losses are
// −ln(5/8) = ln 1.6 and ln 5, and only the first row's arg-max (2) is right.
func TestSoftmaxLoss(t *testing.T) {
	t.Parallel()
	logits := []float64{0, math.Ln2, math.Log(5), math.Log(3), 0, 0}
	y := []int{2, 1}
	cases := []struct {
		name  string
		cw    []float64
		scale float64
		loss  float64
		grad  []float64 // w_y(p − onehot(y))/scale
	}{
		{"unweighted", nil, 1, math.Log(1.6) + math.Log(5),
			[]float64{1.0 / 8, 2.0 / 8, 5.0/8 - 1, 3.0 / 5, 1.0/5 - 1, 1.0 / 5}},
		// Weights 0.5 (class 2) and 2 (class 1), over scale 2: the rows'
		// factors are 0.25 and 1.
		{"weighted", []float64{1, 2, 0.5}, 2, 0.5*math.Log(1.6) + 2*math.Log(5),
			[]float64{0.25 / 8, 0.5 / 8, 1.25/8 - 0.25, 3.0 / 5, 1.0/5 - 1, 1.0 / 5}},
	}
	for _, c := range cases {
		t.Run(c.name+" float64", func(t *testing.T) {
			t.Parallel()
			checkSoftmaxLoss[float64](t, logits, y, c.cw, c.scale, c.loss, c.grad, 1e-14)
		})
		t.Run(c.name+" float32", func(t *testing.T) {
			t.Parallel()
			// The float32 logits are ln 2, ln 5, ln 3 rounded to 24 bits.
			checkSoftmaxLoss[float32](t, logits, y, c.cw, c.scale, c.loss, c.grad, 1e-6)
		})
	}
}

func checkSoftmaxLoss[T kernel.Float](t *testing.T, logits []float64, y []int, cw []float64, scale, wantLoss float64, wantGrad []float64, tol float64) {
	t.Helper()
	const k = 3
	ws := newWork[T]([]int{4, k}, len(y), false, true)
	load := func() {
		for i, v := range logits {
			ws.logits[i] = T(v)
		}
	}
	load()
	loss, correct := ws.softmaxLoss(k, y, nil, cw, false, scale)
	if math.Abs(loss-wantLoss) > tol*wantLoss || correct != 1 {
		t.Errorf("loss %v, %d correct; want %v, 1", loss, correct, wantLoss)
	}
	// An arg-max passed in gives the same loss and count as one found.
	l2, c2 := ws.softmaxLoss(k, y, []int{2, 0}, cw, false, scale)
	if math.Float64bits(l2) != math.Float64bits(loss) || c2 != correct {
		t.Errorf("with arg-max given: loss %v, %d correct; found: %v, %d", l2, c2, loss, correct)
	}
	l3, c3 := ws.softmaxLoss(k, y, nil, cw, true, scale)
	if math.Float64bits(l3) != math.Float64bits(loss) || c3 != correct {
		t.Errorf("with gradient: loss %v, %d correct; without: %v, %d", l3, c3, loss, correct)
	}
	for j, want := range wantGrad {
		if got := float64(ws.logits[j]); math.Abs(got-want) > tol {
			t.Errorf("gradient[%d] = %v, want %v", j, got, want)
		}
	}
}

// TestPenalty checks net.penalty against hand sums and against the penalty
// regularize returns with the gradient, bit for bit (four weights are fewer
// than the vector kernel takes, so both sum in index order): kernel weights
// (1, −2, −0, 0.5) give Σ|w| = 3.5 and Σw² = 5.25, so l1 = 0.1, l2 = 0.01
// give 0.35 + 0.0525 = 0.4025 and the gradient l1·sign(w) + 2·l2·w =
// (0.12, −0.14, 0, 0.11). The biases (±100) carry no penalty. With l2 = 0,
// weights of 1e200 (whose squares overflow) still give l1·Σ|w|.
func TestPenalty(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		w      []float64
		l1, l2 float64
		want   float64
		grad   []float64
	}{
		{"l1 l2", []float64{1, -2, math.Copysign(0, -1), 0.5}, 0.1, 0.01, 0.4025, []float64{0.12, -0.14, 0, 0.11}},
		{"l1", []float64{1, -2, math.Copysign(0, -1), 0.5}, 0.1, 0, 0.35, []float64{0.1, -0.1, 0, 0.1}},
		{"l2", []float64{1, -2, math.Copysign(0, -1), 0.5}, 0, 0.01, 0.0525, []float64{0.02, -0.04, 0, 0.01}},
		{"none", []float64{1, -2, 0, 0.5}, 0, 0, 0, []float64{0, 0, 0, 0}},
		{"l1 with huge weights", []float64{1e200, -1e200, 0, 0}, 0.5, 0, 1e200, []float64{0.5, -0.5, 0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name+" float64", func(t *testing.T) {
			t.Parallel()
			checkPenalty[float64](t, c.w, c.l1, c.l2, c.want, c.grad, 1e-15)
		})
		if math.Abs(c.w[0]) > math.MaxFloat32 {
			continue
		}
		t.Run(c.name+" float32", func(t *testing.T) {
			t.Parallel()
			checkPenalty[float32](t, c.w, c.l1, c.l2, c.want, c.grad, 1e-7)
		})
	}
}

func checkPenalty[T kernel.Float](t *testing.T, w []float64, l1, l2, want float64, wantGrad []float64, tol float64) {
	t.Helper()
	n := newNet[T]([]int{2, 2}, actReLU)
	for i, v := range w {
		n.params[i] = T(v)
	}
	n.params[4], n.params[5] = 100, -100
	got := n.penalty(l1, l2)
	if math.Abs(got-want) > tol*math.Max(want, 1) {
		t.Errorf("penalty %v, want %v", got, want)
	}
	g := make([]T, len(n.params))
	if p := regularize(n.params[:n.nKernel], g, l1, l2); math.Float64bits(p) != math.Float64bits(got) {
		t.Errorf("regularize returns %v with the gradient, penalty %v without", p, got)
	}
	for i, want := range wantGrad {
		if d := math.Abs(float64(g[i]) - want); d > tol*math.Max(math.Abs(want), 1) {
			t.Errorf("gradient[%d] = %v, want %v", i, g[i], want)
		}
	}
	if g[4] != 0 || g[5] != 0 {
		t.Errorf("bias gradients %v, %v, want 0", g[4], g[5])
	}
}
