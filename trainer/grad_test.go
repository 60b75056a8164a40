package trainer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
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
				s, _ := softmaxLoss(ws.logits, classes, y, c.cw, false, rows)
				return s/rows + n.penalty(c.l1, c.l2)
			}
			n.forward(ws, x, dropout)
			softmaxLoss(ws.logits, classes, y, c.cw, true, rows)
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
