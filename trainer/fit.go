package trainer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/sweep-ml/sweep/trainer/data"
	"github.com/sweep-ml/sweep/trainer/internal/kernel"
	"github.com/sweep-ml/sweep/trainer/metrics"
)

// Stop reasons reported in Result.StopReason.
const (
	StopPatience  = "patience"   // early stopping ran out of patience
	StopMaxEpochs = "max_epochs" // every configured epoch ran
	StopDiverged  = "diverged"   // a loss or weight became NaN or infinite
	StopCancelled = "cancelled"  // the context ended
	StopPruned    = "pruned"     // the epoch callback asked to stop
)

// EpochStats is one row of the training history. Every field but Seconds is
// bit-identical across runs with the same data, config and seed.
type EpochStats struct {
	Epoch int // from 1
	// TrainLoss is the mean over the epoch's batches (weighted by rows) of
	// the class-weighted cross-entropy plus the L1/L2 penalty, computed
	// during training with dropout active, as Keras reports it.
	TrainLoss float64
	// TrainAcc is the fraction of training rows whose arg-max matched during
	// that same pass.
	TrainAcc float64
	// ValLoss is the unweighted mean cross-entropy on the validation set plus
	// the L1/L2 penalty, after the epoch, without dropout.
	ValLoss float64
	// ValAcc is the validation accuracy.
	ValAcc float64
	// ValMacroF1 is the unweighted mean of the per-class F1 over all
	// classes (trainer/metrics.MacroF1; a class never predicted nor present
	// scores 0).
	ValMacroF1 float64
	// Seconds is the wall-clock time of the epoch, validation included.
	Seconds float64
}

// Result describes a training run, also when it failed.
type Result struct {
	History []EpochStats
	// BestEpoch is the epoch (from 1) with the best monitored value, whose
	// weights the model holds when early stopping restores them; with
	// monitor none, the last epoch. 0 when no epoch completed.
	BestEpoch  int
	EpochsRun  int
	StopReason string // one of the Stop* constants
}

// DivergedError reports a loss or weight that became NaN or infinite.
type DivergedError struct {
	Epoch int     // from 1
	Batch int     // from 1, within the epoch
	What  string  // "loss" or "weights"
	Loss  float64 // the batch loss (NaN or ±Inf when What is "loss")
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("trainer: training diverged at epoch %d, batch %d: %s not finite (batch loss %v)",
		e.Epoch, e.Batch, e.What, e.Loss)
}

// Fit trains an MLP on train for a problem with classes classes, validating
// on val after every epoch. cfg is completed with WithDefaults and validated.
// seed decides the initial weights, the shuffles and the dropout masks
// through three separate PCG streams; the same data, cfg and seed give
// bit-identical weights and history (Seconds aside) whatever else runs.
//
// onEpoch, when not nil, sees every history row; returning true stops
// training with StopReason "pruned" (this wins over early stopping in the
// same epoch). The context is checked between batches; when it ends, Fit
// returns StopReason "cancelled", an error wrapping ctx.Err(), and the model
// of the completed epochs (nil if none completed). A NaN or infinite loss or
// weight returns a *DivergedError, a nil model and the partial Result.
//
// val may be empty only with early_stopping.monitor none; its metrics are
// then NaN. Every input value must be finite, and within float32's range in
// float32 precision; otherwise Fit returns an error naming the row and column.
func Fit(ctx context.Context, cfg Config, train, val data.Set, classes int, seed uint64,
	onEpoch func(EpochStats) (stop bool)) (*Model, *Result, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, nil, fmt.Errorf("trainer: config: %w", err)
	}
	if err := checkFitInputs(cfg, train, val, classes); err != nil {
		return nil, nil, fmt.Errorf("trainer: %w", err)
	}
	cw, err := classWeights(cfg, train.Y, classes)
	if err != nil {
		return nil, nil, fmt.Errorf("trainer: %w", err)
	}
	m := &Model{cfg: cfg, inputs: train.X.Cols, classes: classes}
	var res *Result
	if cfg.Precision == PrecisionFloat64 {
		var n *net[float64]
		n, res, err = fit[float64](ctx, cfg, train, val, classes, cw, seed, onEpoch)
		m.n64 = n
		if n == nil {
			m = nil
		}
	} else {
		var n *net[float32]
		n, res, err = fit[float32](ctx, cfg, train, val, classes, cw, seed, onEpoch)
		m.n32 = n
		if n == nil {
			m = nil
		}
	}
	return m, res, err
}

func checkFitInputs(cfg Config, train, val data.Set, classes int) error {
	if classes < 2 {
		return fmt.Errorf("classes: need at least 2, got %d", classes)
	}
	if cfg.Loss == LossBinary && classes != 2 {
		return fmt.Errorf("loss: binary_crossentropy fits two classes, but the labels have %d; use categorical_crossentropy", classes)
	}
	if cfg.ClassWeights != nil && len(cfg.ClassWeights) != classes {
		return fmt.Errorf("class_weights: has %d entries for %d classes", len(cfg.ClassWeights), classes)
	}
	if train.X.Rows == 0 {
		return errors.New("train: no rows")
	}
	f32 := cfg.Precision == PrecisionFloat32
	if err := checkSet("train", train, train.X.Cols, classes, f32); err != nil {
		return err
	}
	if val.X.Rows == 0 && cfg.EarlyStopping.Monitor != MonitorNone {
		return fmt.Errorf("val: no rows, but early_stopping.monitor is %s (use none to train without validation)",
			cfg.EarlyStopping.Monitor)
	}
	return checkSet("val", val, train.X.Cols, classes, f32)
}

// checkSet checks the shape and labels of one data set.
func checkSet(name string, s data.Set, cols, classes int, f32 bool) error {
	if err := checkMatrix(name+".x", s.X, cols, f32); err != nil {
		return err
	}
	if len(s.Y) != s.X.Rows {
		return fmt.Errorf("%s.y: has %d labels for %d rows", name, len(s.Y), s.X.Rows)
	}
	for i, y := range s.Y {
		if y < 0 || y >= classes {
			return fmt.Errorf("%s.y[%d]: label %d outside [0, %d)", name, i, y, classes)
		}
	}
	return nil
}

// checkMatrix checks that x is a well-formed matrix with cols columns of
// finite values (within float32's range when f32).
func checkMatrix(name string, x data.Matrix, cols int, f32 bool) error {
	if x.Rows == 0 {
		return nil
	}
	if x.Cols != cols {
		return fmt.Errorf("%s: has %d columns, want %d", name, x.Cols, cols)
	}
	if !x.IsSparse() {
		if len(x.Dense) != x.Rows*x.Cols {
			return fmt.Errorf("%s: dense data has %d values for %d×%d", name, len(x.Dense), x.Rows, x.Cols)
		}
		if i := badValue(x.Dense, f32); i >= 0 {
			return valueError(name, i/cols, i%cols, x.Dense[i], f32)
		}
		return nil
	}
	if len(x.Indptr) != x.Rows+1 || x.Indptr[0] != 0 || x.Indptr[x.Rows] != len(x.Indices) || len(x.Indices) != len(x.Values) {
		return fmt.Errorf("%s: malformed CSR (indptr %d entries for %d rows, %d indices, %d values)",
			name, len(x.Indptr), x.Rows, len(x.Indices), len(x.Values))
	}
	for r := 0; r < x.Rows; r++ {
		if x.Indptr[r+1] < x.Indptr[r] {
			return fmt.Errorf("%s: indptr decreases at row %d", name, r)
		}
	}
	for i, c := range x.Indices {
		if c < 0 || int(c) >= cols {
			return fmt.Errorf("%s: column index %d at position %d outside [0, %d)", name, c, i, cols)
		}
	}
	if i := badValue(x.Values, f32); i >= 0 {
		row := sort.Search(x.Rows, func(r int) bool { return x.Indptr[r+1] > i })
		return valueError(name, row, int(x.Indices[i]), x.Values[i], f32)
	}
	return nil
}

// badValue returns the index of the first value that is NaN or infinite, or
// beyond float32's range when f32; -1 if none.
func badValue(v []float64, f32 bool) int {
	limit := math.MaxFloat64
	if f32 {
		limit = math.MaxFloat32
	}
	for i, x := range v {
		if !(math.Abs(x) <= limit) {
			return i
		}
	}
	return -1
}

func valueError(name string, row, col int, v float64, f32 bool) error {
	if f32 && !math.IsNaN(v) && !math.IsInf(v, 0) {
		return fmt.Errorf("%s: row %d, column %d: %v overflows float32; scale the features or use precision float64",
			name, row, col, v)
	}
	return fmt.Errorf("%s: row %d, column %d: %v is not a finite number", name, row, col, v)
}

// classWeights returns the per-class loss weights, or nil when all are 1.
func classWeights(cfg Config, y []int, classes int) ([]float64, error) {
	if cfg.ClassWeights != nil {
		return slices.Clone(cfg.ClassWeights), nil
	}
	if cfg.ClassWeight != ClassWeightBalanced {
		return nil, nil
	}
	count := make([]int, classes)
	for _, c := range y {
		count[c]++
	}
	w := make([]float64, classes)
	for c, n := range count {
		if n == 0 {
			return nil, fmt.Errorf("class_weight: balanced needs every class in the training data; class %d has no rows", c)
		}
		w[c] = float64(len(y)) / (float64(classes) * float64(n))
	}
	return w, nil
}

// Stream numbers of the PCG generators derived from a trial seed.
const (
	streamInit    = 0x696e6974 // "init"
	streamShuffle = 0x73687566 // "shuf"
	streamDropout = 0x64726f70 // "drop"
)

// trainer is the state of one Fit: every buffer is allocated here, before the
// first batch.
type trainer[T kernel.Float] struct {
	cfg        Config
	n          *net[T]
	ws         *work[T] // training batch
	ev         *work[T] // evaluation chunk
	opt        optimizer[T]
	train, val mat[T]
	trainY     []int
	valY       []int
	cw         []float64
	perm       []int
	batchY     []int
	batchDense []T
	batchPtr   []int
	batchIdx   []int32
	batchVal   []T
	shuffle    *rand.Rand
	dropout    *rand.PCG
	valPred    []int
	best       []T
}

// evalRows is the chunk size of inference passes.
const evalRows = 256

func newTrainer[T kernel.Float](cfg Config, train, val data.Set, classes int, cw []float64, seed uint64) *trainer[T] {
	sizes := append(append([]int{train.X.Cols}, cfg.Layers...), classes)
	t := &trainer[T]{
		cfg:     cfg,
		n:       newNet[T](sizes, parseActivation(cfg.Activation)),
		train:   toMat[T](train.X),
		val:     toMat[T](val.X),
		trainY:  train.Y,
		valY:    val.Y,
		cw:      cw,
		shuffle: rand.New(rand.NewPCG(seed, streamShuffle)),
		dropout: rand.NewPCG(seed, streamDropout),
		valPred: make([]int, val.X.Rows),
	}
	t.n.initialize(rand.New(rand.NewPCG(seed, streamInit)))
	bs := min(cfg.BatchSize, train.X.Rows)
	t.ws = newWork[T](sizes, bs, cfg.Dropout > 0, true)
	t.ev = newWork[T](sizes, evalRows, false, false)
	t.opt = newOptimizer[T](cfg.Optimizer, len(t.n.params))
	t.perm = make([]int, train.X.Rows)
	for i := range t.perm {
		t.perm[i] = i
	}
	t.batchY = make([]int, bs)
	if t.train.sparse() {
		// The largest batch holds at most the bs longest rows.
		lens := make([]int, train.X.Rows)
		for r := range lens {
			lens[r] = train.X.Indptr[r+1] - train.X.Indptr[r]
		}
		slices.Sort(lens)
		nnz := 0
		for _, l := range lens[len(lens)-bs:] {
			nnz += l
		}
		t.batchPtr = make([]int, bs+1)
		t.batchIdx = make([]int32, nnz)
		t.batchVal = make([]T, nnz)
	} else {
		t.batchDense = make([]T, bs*train.X.Cols)
	}
	if cfg.EarlyStopping.Monitor != MonitorNone && cfg.EarlyStopping.restoreBest() {
		t.best = make([]T, len(t.n.params))
	}
	return t
}

// gather copies the training rows idx into the batch buffers.
func (t *trainer[T]) gather(idx []int) mat[T] {
	x := mat[T]{rows: len(idx), cols: t.train.cols}
	for r, i := range idx {
		t.batchY[r] = t.trainY[i]
	}
	if !t.train.sparse() {
		c := t.train.cols
		x.dense = t.batchDense[:len(idx)*c]
		for r, i := range idx {
			copy(x.dense[r*c:(r+1)*c], t.train.dense[i*c:(i+1)*c])
		}
		return x
	}
	p := 0
	t.batchPtr[0] = 0
	for r, i := range idx {
		a, b := t.train.indptr[i], t.train.indptr[i+1]
		p += copy(t.batchIdx[p:], t.train.indices[a:b])
		copy(t.batchVal[p-(b-a):], t.train.values[a:b])
		t.batchPtr[r+1] = p
	}
	x.indptr, x.indices, x.values = t.batchPtr[:len(idx)+1], t.batchIdx, t.batchVal
	return x
}

// epoch runs one pass over the shuffled training data and returns the
// row-weighted mean loss (penalty included) and accuracy.
func (t *trainer[T]) epoch(ctx context.Context, epoch int) (loss, acc float64, err error) {
	t.shuffle.Shuffle(len(t.perm), func(i, j int) { t.perm[i], t.perm[j] = t.perm[j], t.perm[i] })
	bs := t.ws.cap
	k := t.n.sizes[len(t.n.sizes)-1]
	dropout := t.cfg.Dropout > 0
	var lossSum float64
	var correct int
	for b, start := 1, 0; start < len(t.perm); b, start = b+1, start+bs {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		idx := t.perm[start:min(start+bs, len(t.perm))]
		rows := len(idx)
		x := t.gather(idx)
		if dropout {
			t.ws.sampleMasks(t.dropout, rows, t.cfg.Dropout)
		}
		t.n.forward(t.ws, x, dropout)
		s, c := t.ws.softmaxLoss(k, t.batchY[:rows], nil, t.cw, true, float64(rows))
		t.n.backward(t.ws, x, dropout)
		var pen float64
		if t.cfg.L1 != 0 || t.cfg.L2 != 0 {
			pen = regularize(t.n.params[:t.n.nKernel], t.ws.grad, t.cfg.L1, t.cfg.L2)
		}
		batchLoss := s/float64(rows) + pen
		if math.IsNaN(batchLoss) || math.IsInf(batchLoss, 0) {
			return 0, 0, &DivergedError{Epoch: epoch, Batch: b, What: "loss", Loss: batchLoss}
		}
		if bad := t.opt.step(t.n.params, t.ws.grad); bad != 0 {
			return 0, 0, &DivergedError{Epoch: epoch, Batch: b, What: "weights", Loss: batchLoss}
		}
		lossSum += batchLoss * float64(rows)
		correct += c
	}
	n := float64(len(t.perm))
	return lossSum / n, float64(correct) / n, nil
}

// evaluate runs inference over x in chunks, writing arg-max classes into
// pred and, when proba is not nil, the softmax probabilities (rows×classes).
// With y it returns the summed unweighted cross-entropy and correct count.
func (n *net[T]) evaluate(ws *work[T], x mat[T], y []int, pred []int, proba []float64) (lossSum float64, correct int) {
	k := n.sizes[len(n.sizes)-1]
	for r0 := 0; r0 < x.rows; r0 += ws.cap {
		r1 := min(r0+ws.cap, x.rows)
		n.forward(ws, x.rowRange(r0, r1), false)
		logits, arg := ws.logits[:(r1-r0)*k], pred[r0:r1]
		for i := range arg {
			arg[i] = argmax(logits[i*k : i*k+k])
		}
		if y != nil {
			s, c := ws.softmaxLoss(k, y[r0:r1], arg, nil, false, 1)
			lossSum += s
			correct += c
		}
		if proba != nil {
			softmaxInto(proba[r0*k:r1*k], logits, arg, k)
		}
	}
	return lossSum, correct
}

// softmaxInto writes the row-wise softmax of logits (k columns) into dst,
// given every row's arg-max.
func softmaxInto[T kernel.Float](dst []float64, logits []T, arg []int, k int) {
	for i, a := range arg {
		z, p := logits[i*k:i*k+k], dst[i*k:i*k+k]
		mx := float64(z[a])
		var s float64
		for j, v := range z {
			p[j] = math.Exp(float64(v) - mx)
			s += p[j]
		}
		for j := range p {
			p[j] /= s
		}
	}
}

// validate computes the validation loss (penalty included), accuracy and
// macro-F1 of the current weights.
func (t *trainer[T]) validate() (loss, acc, f1 float64) {
	if t.val.rows == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	s, c := t.n.evaluate(t.ev, t.val, t.valY, t.valPred, nil)
	n := float64(t.val.rows)
	return s/n + t.n.penalty(t.cfg.L1, t.cfg.L2), float64(c) / n, metrics.MacroF1(t.valY, t.valPred, t.n.sizes[len(t.n.sizes)-1])
}

// stopper is Keras' EarlyStopping rule: an epoch improves when its monitored
// value beats the best so far by more than minDelta (NaN never improves);
// after patience epochs in a row without improvement, training stops.
type stopper struct {
	monitor  string
	minDelta float64
	patience int
	best     float64 // oriented so that lower is better
	wait     int
}

func newStopper(c EarlyStoppingConfig) *stopper {
	return &stopper{monitor: c.Monitor, minDelta: c.MinDelta, patience: c.Patience, best: math.Inf(1)}
}

// observe records one epoch and says whether it improved and whether
// training should stop.
func (s *stopper) observe(st EpochStats) (improved, stop bool) {
	var v float64
	switch s.monitor {
	case MonitorValMacroF1:
		v = -st.ValMacroF1
	case MonitorValAcc:
		v = -st.ValAcc
	default:
		v = st.ValLoss
	}
	if v+s.minDelta < s.best {
		s.best, s.wait = v, 0
		return true, false
	}
	s.wait++
	return false, s.wait >= s.patience
}

func fit[T kernel.Float](ctx context.Context, cfg Config, train, val data.Set, classes int, cw []float64,
	seed uint64, onEpoch func(EpochStats) bool) (*net[T], *Result, error) {
	t := newTrainer[T](cfg, train, val, classes, cw, seed)
	es := newStopper(cfg.EarlyStopping)
	res := &Result{History: make([]EpochStats, 0, min(cfg.Epochs, 1024))}
	finish := func(reason string) {
		res.StopReason = reason
		if t.best != nil && res.BestEpoch > 0 && res.BestEpoch != res.EpochsRun {
			copy(t.n.params, t.best)
		}
	}
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		start := time.Now()
		loss, acc, err := t.epoch(ctx, epoch)
		if err != nil {
			var div *DivergedError
			if errors.As(err, &div) {
				res.StopReason = StopDiverged
				return nil, res, err
			}
			finish(StopCancelled)
			if res.EpochsRun == 0 {
				return nil, res, fmt.Errorf("trainer: cancelled in epoch %d: %w", epoch, err)
			}
			return t.n, res, fmt.Errorf("trainer: cancelled in epoch %d: %w", epoch, err)
		}
		vl, va, vf := t.validate()
		st := EpochStats{Epoch: epoch, TrainLoss: loss, TrainAcc: acc, ValLoss: vl, ValAcc: va, ValMacroF1: vf,
			Seconds: time.Since(start).Seconds()}
		res.History = append(res.History, st)
		res.EpochsRun = epoch
		stop := ""
		if cfg.EarlyStopping.Monitor == MonitorNone {
			res.BestEpoch = epoch
		} else if improved, patience := es.observe(st); improved {
			res.BestEpoch = epoch
			if t.best != nil {
				copy(t.best, t.n.params)
			}
		} else if patience {
			stop = StopPatience
		}
		if onEpoch != nil && onEpoch(st) {
			stop = StopPruned
		}
		if stop != "" {
			finish(stop)
			return t.n, res, nil
		}
	}
	finish(StopMaxEpochs)
	return t.n, res, nil
}
