package trainer

import (
	"math"
	"math/rand/v2"

	"github.com/sweep-ml/sweep/trainer/data"
	"github.com/sweep-ml/sweep/trainer/internal/kernel"
)

// actKind is a hidden-layer activation.
type actKind uint8

const (
	actReLU actKind = iota
	actTanh
	actSigmoid
	actELU
)

func parseActivation(s string) actKind {
	switch s {
	case ActivationTanh:
		return actTanh
	case ActivationSigmoid:
		return actSigmoid
	case ActivationELU:
		return actELU
	}
	return actReLU
}

func (a actKind) String() string {
	return [...]string{ActivationReLU, ActivationTanh, ActivationSigmoid, ActivationELU}[a]
}

// net is the MLP's parameters. Layer l maps sizes[l] inputs to sizes[l+1]
// outputs; the last layer produces logits. All parameters live in one slice
// (every kernel in layer order, then every bias) so that the optimizer and the
// regularizer run one loop over them.
type net[T kernel.Float] struct {
	sizes   []int
	act     actKind
	params  []T
	w, b    [][]T // views into params: w[l] is sizes[l]×sizes[l+1] row-major
	nKernel int   // params[:nKernel] are the kernel weights
}

// paramViews cuts p (laid out as net.params) into per-layer kernels and biases.
func paramViews[T kernel.Float](sizes []int, p []T) (w, b [][]T) {
	L := len(sizes) - 1
	w, b = make([][]T, L), make([][]T, L)
	off := 0
	for l := 0; l < L; l++ {
		n := sizes[l] * sizes[l+1]
		w[l] = p[off : off+n : off+n]
		off += n
	}
	for l := 0; l < L; l++ {
		n := sizes[l+1]
		b[l] = p[off : off+n : off+n]
		off += n
	}
	return w, b
}

func paramCount(sizes []int) (total, kernels int) {
	for l := 0; l+1 < len(sizes); l++ {
		kernels += sizes[l] * sizes[l+1]
		total += sizes[l+1]
	}
	return total + kernels, kernels
}

func newNet[T kernel.Float](sizes []int, act actKind) *net[T] {
	total, kernels := paramCount(sizes)
	n := &net[T]{sizes: append([]int{}, sizes...), act: act, params: make([]T, total), nKernel: kernels}
	n.w, n.b = paramViews(n.sizes, n.params)
	return n
}

// layers is the number of Dense layers, the output layer included.
func (n *net[T]) layers() int { return len(n.sizes) - 1 }

// initialize draws every kernel weight uniformly: He (limit √(6/fan_in)) for
// hidden layers with relu or elu, Glorot (limit √(6/(fan_in+fan_out))) for
// tanh, sigmoid and the softmax output layer. Draws are made in float64 and
// rounded to T, so float32 and float64 nets start from the same weights.
// Biases are zero.
func (n *net[T]) initialize(rng *rand.Rand) {
	clear(n.params)
	for l := 0; l < n.layers(); l++ {
		in, out := n.sizes[l], n.sizes[l+1]
		limit := math.Sqrt(6 / float64(in+out))
		if l < n.layers()-1 && (n.act == actReLU || n.act == actELU) {
			limit = math.Sqrt(6 / float64(in))
		}
		for i := range n.w[l] {
			n.w[l][i] = T((2*rng.Float64() - 1) * limit)
		}
	}
}

// mat is a row-major matrix of T, dense or CSR, possibly a view of some rows
// of a larger one: for CSR, indptr holds absolute offsets into indices and
// values.
type mat[T kernel.Float] struct {
	rows, cols int
	dense      []T
	indptr     []int
	indices    []int32
	values     []T
}

func (m mat[T]) sparse() bool { return m.indptr != nil }

// rowRange returns rows [r0, r1) of m as a view.
func (m mat[T]) rowRange(r0, r1 int) mat[T] {
	v := mat[T]{rows: r1 - r0, cols: m.cols}
	if m.sparse() {
		v.indptr, v.indices, v.values = m.indptr[r0:r1+1], m.indices, m.values
	} else {
		v.dense = m.dense[r0*m.cols : r1*m.cols]
	}
	return v
}

// toMat converts x to T once; CSR structure is shared, not copied, and so
// are float64 values when T is float64 (the trainer never writes to them).
func toMat[T kernel.Float](x data.Matrix) mat[T] {
	m := mat[T]{rows: x.Rows, cols: x.Cols}
	if x.IsSparse() {
		m.indptr, m.indices = x.Indptr, x.Indices
		if v, ok := any(x.Values).([]T); ok {
			m.values = v
			return m
		}
		m.values = make([]T, len(x.Values))
		for i, v := range x.Values {
			m.values[i] = T(v)
		}
		return m
	}
	if d, ok := any(x.Dense).([]T); ok {
		m.dense = d
		return m
	}
	m.dense = make([]T, len(x.Dense))
	for i, v := range x.Dense {
		m.dense[i] = T(v)
	}
	return m
}

// work holds every buffer one forward/backward pass over up to cap rows
// needs, so that a training step allocates nothing.
type work[T kernel.Float] struct {
	cap    int
	a      [][]T     // per hidden layer: activation output (before dropout)
	d      [][]T     // per hidden layer: dropout output (aliases a without dropout)
	mask   [][]T     // per hidden layer: 0 or 1/(1-rate) (nil without dropout)
	g      [][]T     // per hidden layer: gradient w.r.t. its pre-activation
	logits []T       // cap×classes; the backward pass turns it into ∂loss/∂logits
	exp    []float64 // classes: one row's e^{z_j - max z}, for softmaxLoss
	grad   []T       // same layout as net.params
	gw, gb [][]T
}

func newWork[T kernel.Float](sizes []int, rows int, dropout bool, train bool) *work[T] {
	H := len(sizes) - 2
	ws := &work[T]{cap: rows, a: make([][]T, H), d: make([][]T, H), logits: make([]T, rows*sizes[H+1]),
		exp: make([]float64, sizes[H+1])}
	for l := 0; l < H; l++ {
		ws.a[l] = make([]T, rows*sizes[l+1])
		ws.d[l] = ws.a[l]
	}
	if !train {
		return ws
	}
	ws.g = make([][]T, H)
	for l := 0; l < H; l++ {
		ws.g[l] = make([]T, rows*sizes[l+1])
	}
	if dropout {
		ws.mask = make([][]T, H)
		for l := 0; l < H; l++ {
			ws.d[l] = make([]T, rows*sizes[l+1])
			ws.mask[l] = make([]T, rows*sizes[l+1])
		}
	}
	total, _ := paramCount(sizes)
	ws.grad = make([]T, total)
	ws.gw, ws.gb = paramViews(sizes, ws.grad)
	return ws
}

// sampleMasks fills the dropout masks for rows rows: each unit is kept with
// probability 1-rate and then scaled by 1/(1-rate) (inverted dropout). One
// 64-bit draw decides two units (32-bit thresholds); the choice indexes a
// two-entry table instead of branching, since a random branch mispredicts.
func (ws *work[T]) sampleMasks(src *rand.PCG, rows int, rate float64) {
	thresh := uint64(math.Min(math.Round(rate*(1<<32)), math.MaxUint32))
	pick := [2]T{T(1 / (1 - rate)), 0} // pick[1]: dropped
	for _, m := range ws.mask {
		m = m[:rows*(len(m)/ws.cap)]
		i := 0
		for ; i+1 < len(m); i += 2 {
			u := src.Uint64()
			// x - thresh wraps to a value with the top bit set exactly when
			// x < thresh, i.e. when the unit is dropped.
			m[i] = pick[(u&0xffffffff-thresh)>>63]
			m[i+1] = pick[(u>>32-thresh)>>63]
		}
		if i < len(m) {
			m[i] = pick[(src.Uint64()&0xffffffff-thresh)>>63]
		}
	}
}

// forward computes the logits of x into ws.logits[:x.rows*classes]. With
// dropout it applies the masks already in ws.mask.
func (n *net[T]) forward(ws *work[T], x mat[T], dropout bool) {
	rows := x.rows
	L := n.layers()
	var prev []T
	for l := 0; l < L; l++ {
		in, out := n.sizes[l], n.sizes[l+1]
		var z []T
		if l == L-1 {
			z = ws.logits[:rows*out]
		} else {
			z = ws.a[l][:rows*out]
		}
		switch {
		case l > 0:
			kernel.Gemm(false, false, rows, out, in, prev, in, n.w[l], out, 0, z, out)
		case x.sparse():
			kernel.CSRMul(rows, out, x.indptr, x.indices, x.values, n.w[0], out, 0, z, out)
		default:
			kernel.Gemm(false, false, rows, out, in, x.dense, in, n.w[0], out, 0, z, out)
		}
		if l == L-1 {
			addBias(z, n.b[l])
			break
		}
		if !dropout || ws.mask == nil {
			activate(n.act, z, n.b[l])
			prev = z
			continue
		}
		d, m := ws.d[l][:rows*out], ws.mask[l][:rows*out]
		if n.act == actReLU {
			reluDropout(z, d, m, n.b[l])
		} else {
			activate(n.act, z, n.b[l])
			for i := range d {
				d[i] = z[i] * m[i]
			}
		}
		prev = d
	}
}

func addBias[T kernel.Float](z, b []T) {
	n := len(b)
	for r := 0; r+n <= len(z); r += n {
		zr := z[r : r+n]
		for j := range zr {
			zr[j] += b[j]
		}
	}
}

// activate replaces every row of z by act(z + b).
func activate[T kernel.Float](act actKind, z, b []T) {
	n := len(b)
	start := 0
	if z32, ok := any(z).([]float32); ok {
		switch act {
		case actReLU:
			start = reluRowsVec32(z32, any(b).([]float32), nil, nil)
		case actTanh, actSigmoid, actELU:
			activate32(act, z32, any(b).([]float32))
			return
		}
	}
	for r := 0; r+n <= len(z); r += n {
		zr := z[r : r+n]
		switch act {
		case actReLU:
			for j := start; j < n; j++ {
				v := zr[j] + b[j]
				if v < 0 { // NaN stays NaN, so divergence is seen
					v = 0
				}
				zr[j] = v
			}
		case actTanh:
			for j := range zr {
				zr[j] = T(math.Tanh(float64(zr[j] + b[j])))
			}
		case actSigmoid:
			for j := range zr {
				zr[j] = T(1 / (1 + math.Exp(-float64(zr[j]+b[j]))))
			}
		case actELU:
			for j := range zr {
				v := zr[j] + b[j]
				if v < 0 {
					v = T(math.Expm1(float64(v)))
				}
				zr[j] = v
			}
		}
	}
}

// activate32 is activate for tanh, sigmoid and elu in float32 arithmetic
// (mathf.go).
func activate32(act actKind, z, b []float32) {
	n := len(b)
	for r := 0; r+n <= len(z); r += n {
		zr := z[r : r+n]
		switch act {
		case actTanh:
			for j := range zr {
				zr[j] = tanh32(zr[j] + b[j])
			}
		case actSigmoid:
			for j := range zr {
				zr[j] = sigmoid32(zr[j] + b[j])
			}
		case actELU:
			for j := range zr {
				v := zr[j] + b[j]
				if v < 0 { // NaN and −0 stay as they are, as in activate
					v = expm1Neg32(v)
				}
				zr[j] = v
			}
		}
	}
}

// reluDropout is activate(relu) followed by d = z·m in one pass.
func reluDropout[T kernel.Float](z, d, m, b []T) {
	n := len(b)
	d, m = d[:len(z)], m[:len(z)]
	start := 0
	if z32, ok := any(z).([]float32); ok {
		start = reluRowsVec32(z32, any(b).([]float32), any(d).([]float32), any(m).([]float32))
	}
	for r := 0; r+n <= len(z); r += n {
		zr, dr, mr := z[r+start:r+n], d[r+start:r+n], m[r+start:r+n]
		for j := range zr {
			v := zr[j] + b[start+j]
			if v < 0 {
				v = 0
			}
			zr[j] = v
			dr[j] = v * mr[j]
		}
	}
}

// activateBack turns g (∂loss/∂output, after dropout) into ∂loss/∂pre-activation
// in place, given the activation outputs a and the dropout mask m (nil: none).
// Each derivative is written in terms of the output: relu 1[a>0], tanh 1-a²,
// sigmoid a(1-a), elu 1 for a>0 else a+1.
func activateBack[T kernel.Float](act actKind, g, a, m []T) {
	a = a[:len(g)]
	if m != nil {
		m = m[:len(g)]
	}
	if act == actReLU {
		start := 0
		if g32, ok := any(g).([]float32); ok {
			start = reluBackVec32(g32, any(a).([]float32), any(m).([]float32))
		}
		if m == nil {
			for i := start; i < len(g); i++ {
				if !(a[i] > 0) {
					g[i] = 0
				}
			}
			return
		}
		for i := start; i < len(g); i++ {
			if a[i] > 0 {
				g[i] *= m[i]
			} else {
				g[i] = 0
			}
		}
		return
	}
	if m != nil {
		for i := range g {
			g[i] *= m[i]
		}
	}
	switch act {
	case actTanh:
		for i := range g {
			g[i] *= 1 - a[i]*a[i]
		}
	case actSigmoid:
		for i := range g {
			g[i] *= a[i] * (1 - a[i])
		}
	case actELU:
		for i := range g {
			if !(a[i] > 0) {
				g[i] *= a[i] + 1
			}
		}
	}
}

// softmaxLoss evaluates the cross-entropy of the first len(y) rows of
// ws.logits (k columns) against y through log-sum-exp. It returns
// Σ w_{y_i}·loss_i (cw nil: all weights 1) and the number of rows whose
// arg-max is y_i. arg, when not nil, holds every row's arg-max, already found
// by the caller; otherwise softmaxLoss finds it while looking for the row's
// maximum. With grad it overwrites the logits by
// ∂(Σ w·loss / scale)/∂logits = w_{y_i}(p_i - onehot(y_i))/scale, taking p_i
// from the exponentials the loss summed (kept in ws.exp), so each logit costs
// one exp.
func (ws *work[T]) softmaxLoss(k int, y, arg []int, cw []float64, grad bool, scale float64) (sum float64, correct int) {
	e := ws.exp[:k]
	for i, yi := range y {
		z := ws.logits[i*k : i*k+k]
		var a int
		if arg != nil {
			a = arg[i]
		} else {
			a = argmax(z)
		}
		if a == yi {
			correct++
		}
		mx := z[a]
		var s float64
		for j, v := range z {
			e[j] = math.Exp(float64(v) - float64(mx))
			s += e[j]
		}
		w := 1.0
		if cw != nil {
			w = cw[yi]
		}
		sum += w * (float64(mx) + math.Log(s) - float64(z[yi]))
		if grad {
			c := w / scale
			inv := c / s
			for j := range z {
				z[j] = T(e[j] * inv)
			}
			z[yi] -= T(c)
		}
	}
	return sum, correct
}

// argmax returns the index of the first largest value of z; with z[0] NaN,
// nothing compares larger and it returns 0.
func argmax[T kernel.Float](z []T) int {
	arg := 0
	for j := 1; j < len(z); j++ {
		if z[j] > z[arg] {
			arg = j
		}
	}
	return arg
}

// backward computes every parameter gradient into ws.grad from the input x
// and ws.logits already holding ∂loss/∂logits. No gradient w.r.t. x is formed.
func (n *net[T]) backward(ws *work[T], x mat[T], dropout bool) {
	rows := x.rows
	L := n.layers()
	for l := L - 1; l >= 0; l-- {
		in, out := n.sizes[l], n.sizes[l+1]
		var gz []T
		if l == L-1 {
			gz = ws.logits[:rows*out]
		} else {
			gz = ws.g[l][:rows*out]
			var m []T
			if dropout && ws.mask != nil {
				m = ws.mask[l]
			}
			activateBack(n.act, gz, ws.a[l], m)
		}
		colSums(ws.gb[l], gz)
		switch {
		case l > 0:
			var prev []T
			if dropout && ws.mask != nil {
				prev = ws.d[l-1][:rows*in]
			} else {
				prev = ws.a[l-1][:rows*in]
			}
			kernel.Gemm(true, false, in, out, rows, prev, in, gz, out, 0, ws.gw[l], out)
			kernel.Gemm(false, true, rows, in, out, gz, out, n.w[l], out, 0, ws.g[l-1][:rows*in], in)
		case x.sparse():
			kernel.CSRTMul(rows, out, in, x.indptr, x.indices, x.values, gz, out, 0, ws.gw[0], out)
		default:
			kernel.Gemm(true, false, in, out, rows, x.dense, in, gz, out, 0, ws.gw[0], out)
		}
	}
}

// colSums sets dst[j] to the sum of column j of the row-major g.
func colSums[T kernel.Float](dst, g []T) {
	n := len(dst)
	clear(dst)
	for r := 0; r+n <= len(g); r += n {
		gr := g[r : r+n]
		for j := range gr {
			dst[j] += gr[j]
		}
	}
}

// regularize adds the L1/L2 gradient l1·sign(w) + 2·l2·w of every kernel
// weight to g and returns the penalty, as penaltyOf defines it.
func regularize[T kernel.Float](w, g []T, l1, l2 float64) float64 {
	g = g[:len(w)]
	var abs, sq float64
	if w32, ok := any(w).([]float32); ok {
		var n int
		n, abs, sq = regVec32(w32, any(g).([]float32), l1, l2)
		w, g = w[n:], g[n:]
	}
	return regularizeLoop(w, g, l1, l2, abs, sq)
}

// regularizeLoop is regularize without vector instructions, continuing the
// sums Σ|w| (abs) and Σw² (sq) of weights already done.
func regularizeLoop[T kernel.Float](w, g []T, l1, l2, abs, sq float64) float64 {
	g = g[:len(w)]
	c1, c2 := T(l1), T(2*l2)
	switch { // one pass when both apply; the cases differ only in which terms they add
	case l1 != 0 && l2 != 0:
		for i, v := range w {
			switch {
			case v > 0:
				g[i] += c1
			case v < 0:
				g[i] -= c1
			}
			g[i] += T(c2 * v) // T(...): no FMA, as the vector kernel
		}
	case l1 != 0:
		for i, v := range w {
			switch {
			case v > 0:
				g[i] += c1
			case v < 0:
				g[i] -= c1
			}
		}
	case l2 != 0:
		for i, v := range w {
			g[i] += T(c2 * v)
		}
	}
	return penaltyOf(w, l1, l2, abs, sq)
}

// penaltyOf returns the L1/L2 penalty l1·Σ|w| + l2·Σw², each sum taken in
// float64 in index order after abs and sq (the sums of weights before w). It
// is the one definition of the penalty: the training loss gets it through
// regularize, the validation loss and Evaluate through net.penalty. A zero
// coefficient drops its term, so l2 = 0 gives no 0·∞ when Σw² overflows.
func penaltyOf[T kernel.Float](w []T, l1, l2, abs, sq float64) float64 {
	if l1 == 0 && l2 == 0 {
		return 0
	}
	for _, v := range w {
		abs += math.Abs(float64(v))
		sq += float64(v) * float64(v)
	}
	var pen float64
	if l1 != 0 {
		pen += l1 * abs
	}
	if l2 != 0 {
		pen += l2 * sq
	}
	return pen
}

// penalty returns the L1/L2 penalty of the kernel weights (penaltyOf).
func (n *net[T]) penalty(l1, l2 float64) float64 {
	return penaltyOf(n.params[:n.nKernel], l1, l2, 0, 0)
}
