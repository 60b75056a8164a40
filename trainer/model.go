package trainer

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/sweep-ml/sweep/trainer/data"
	"github.com/sweep-ml/sweep/trainer/internal/kernel"
)

// Model is a fitted MLP. It is safe for concurrent use: prediction
// allocates its own buffers.
type Model struct {
	cfg             Config
	inputs, classes int
	// Exactly one network is set, as cfg.Precision says.
	n32 *net[float32]
	n64 *net[float64]
}

// Config returns the configuration the model was trained with, defaults
// filled in.
func (m *Model) Config() Config { return m.cfg.WithDefaults() }

// Inputs returns the number of input features the model expects.
func (m *Model) Inputs() int { return m.inputs }

// Classes returns the number of classes the model predicts.
func (m *Model) Classes() int { return m.classes }

// Predict returns the most probable class of every row of x.
func (m *Model) Predict(x data.Matrix) ([]int, error) {
	_, pred, _, err := m.run(x, nil, false)
	return pred, err
}

// PredictProba returns the class probabilities of every row of x:
// PredictProba(x)[i][c] is the probability of class c for row i.
func (m *Model) PredictProba(x data.Matrix) ([][]float64, error) {
	_, _, p, err := m.run(x, nil, true)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, x.Rows)
	for i := range out {
		out[i] = p[i*m.classes : (i+1)*m.classes : (i+1)*m.classes]
	}
	return out, nil
}

// Evaluate returns the unweighted mean cross-entropy of s plus the L1/L2
// penalty (the same loss as EpochStats.ValLoss) and the predicted class of
// every row.
func (m *Model) Evaluate(s data.Set) (loss float64, pred []int, err error) {
	if len(s.Y) != s.X.Rows {
		return 0, nil, fmt.Errorf("trainer: evaluate: y has %d labels for %d rows", len(s.Y), s.X.Rows)
	}
	for i, y := range s.Y {
		if y < 0 || y >= m.classes {
			return 0, nil, fmt.Errorf("trainer: evaluate: y[%d]: label %d outside [0, %d)", i, y, m.classes)
		}
	}
	loss, pred, _, err = m.run(s.X, s.Y, false)
	return loss, pred, err
}

func (m *Model) run(x data.Matrix, y []int, proba bool) (float64, []int, []float64, error) {
	if err := checkMatrix("x", x, m.inputs, m.n32 != nil); err != nil {
		return 0, nil, nil, fmt.Errorf("trainer: %w", err)
	}
	if m.n64 != nil {
		l, p, pr := infer(m.n64, x, y, proba, m.cfg)
		return l, p, pr, nil
	}
	l, p, pr := infer(m.n32, x, y, proba, m.cfg)
	return l, p, pr, nil
}

func infer[T kernel.Float](n *net[T], x data.Matrix, y []int, proba bool, cfg Config) (float64, []int, []float64) {
	pred := make([]int, x.Rows)
	if x.Rows == 0 {
		return math.NaN(), pred, nil
	}
	var p []float64
	if proba {
		p = make([]float64, x.Rows*n.sizes[len(n.sizes)-1])
	}
	ws := newWork[T](n.sizes, min(evalRows, x.Rows), false, false)
	k := n.sizes[len(n.sizes)-1]
	var s float64
	// Convert predictChunk rows at a time, so that predicting a large
	// matrix in float32 does not hold a float32 copy of all of it.
	for r0 := 0; r0 < x.Rows; r0 += predictChunk {
		r1 := min(r0+predictChunk, x.Rows)
		var yc []int
		if y != nil {
			yc = y[r0:r1]
		}
		var pc []float64
		if p != nil {
			pc = p[r0*k : r1*k]
		}
		part, _ := n.evaluate(ws, toMat[T](rowRange(x, r0, r1)), yc, pred[r0:r1], pc)
		s += part
	}
	loss := math.NaN()
	if y != nil {
		loss = s/float64(x.Rows) + n.penalty(cfg.L1, cfg.L2)
	}
	return loss, pred, p
}

// predictChunk is how many rows Predict converts to the model's precision at
// a time.
const predictChunk = 4096

// rowRange returns rows [r0, r1) of x; a CSR part gets its own indptr from 0.
func rowRange(x data.Matrix, r0, r1 int) data.Matrix {
	v := data.Matrix{Rows: r1 - r0, Cols: x.Cols}
	if !x.IsSparse() {
		v.Dense = x.Dense[r0*x.Cols : r1*x.Cols]
		return v
	}
	a, b := x.Indptr[r0], x.Indptr[r1]
	v.Indptr = make([]int, r1-r0+1)
	for i := range v.Indptr {
		v.Indptr[i] = x.Indptr[r0+i] - a
	}
	v.Indices, v.Values = x.Indices[a:b], x.Values[a:b]
	return v
}

// Model file format, version 1.
//
// A model file is one line of JSON, a newline, then the parameters:
//
//	{"format":"sweep-mlp","version":1,"precision":"float32","sizes":[784,128,10],
//	 "activation":"relu","params":101770,"config":{...}}\n
//	<params values>
//
// sizes lists the input width, each hidden layer's units and the number of
// classes. params is the number of values that follow, which must equal
// Σ sizes[l]·sizes[l+1] + Σ sizes[l+1]. Each value is an IEEE-754 number in
// little-endian byte order, 4 bytes for precision float32 and 8 for float64,
// stored in the precision the model computes in so that a loaded model
// predicts bit-identically. The values are every layer's kernel in layer
// order (layer l's kernel is sizes[l]×sizes[l+1], row-major: the weight from
// input i to unit j is at i·sizes[l+1]+j), then every layer's bias in layer
// order. config is the training Config (JSON field names as its tags), kept
// for the record. Nothing follows the values. A reader rejects another
// format or version.
const (
	modelFormat  = "sweep-mlp"
	modelVersion = 1
	// maxHeader bounds the JSON line a reader accepts.
	maxHeader = 1 << 20
)

type modelHeader struct {
	Format     string `json:"format"`
	Version    int    `json:"version"`
	Precision  string `json:"precision"`
	Sizes      []int  `json:"sizes"`
	Activation string `json:"activation"`
	Params     int    `json:"params"`
	Config     Config `json:"config"`
}

// Save writes m to w in the sweep-mlp version 1 format (see the format
// description above modelFormat in model.go, repeated in the package doc).
func (m *Model) Save(w io.Writer) error {
	h := modelHeader{Format: modelFormat, Version: modelVersion, Precision: m.cfg.Precision, Config: m.cfg}
	var raw []byte
	if m.n64 != nil {
		h.Sizes, h.Activation, h.Params = m.n64.sizes, m.n64.act.String(), len(m.n64.params)
		raw = make([]byte, 8*len(m.n64.params))
		for i, v := range m.n64.params {
			binary.LittleEndian.PutUint64(raw[8*i:], math.Float64bits(v))
		}
	} else {
		h.Sizes, h.Activation, h.Params = m.n32.sizes, m.n32.act.String(), len(m.n32.params)
		raw = make([]byte, 4*len(m.n32.params))
		for i, v := range m.n32.params {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
		}
	}
	head, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("trainer: save: %w", err)
	}
	if _, err := w.Write(append(head, '\n')); err != nil {
		return fmt.Errorf("trainer: save: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("trainer: save: %w", err)
	}
	return nil
}

// Load reads a model written by Save.
func Load(r io.Reader) (*Model, error) {
	br := bufio.NewReader(r)
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxHeader {
			return nil, fmt.Errorf("trainer: load: header longer than %d bytes", maxHeader)
		}
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			return nil, errors.New("trainer: load: header: unexpected end of file before newline")
		}
		return nil, fmt.Errorf("trainer: load: header: %w", err)
	}
	var h modelHeader
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, fmt.Errorf("trainer: load: header: %w", err)
	}
	if err := h.check(); err != nil {
		return nil, fmt.Errorf("trainer: load: header: %w", err)
	}
	m := &Model{cfg: h.Config, inputs: h.Sizes[0], classes: h.Sizes[len(h.Sizes)-1]}
	act := parseActivation(h.Activation)
	var err error
	if h.Precision == PrecisionFloat64 {
		m.n64, err = readParams[float64](br, h.Sizes, act, 8)
	} else {
		m.n32, err = readParams[float32](br, h.Sizes, act, 4)
	}
	if err != nil {
		return nil, fmt.Errorf("trainer: load: %w", err)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, errors.New("trainer: load: data follows the parameters")
	}
	return m, nil
}

// check validates a header before anything is allocated from it.
func (h *modelHeader) check() error {
	if h.Format != modelFormat {
		return fmt.Errorf("format: want %q, got %q", modelFormat, h.Format)
	}
	if h.Version != modelVersion {
		return fmt.Errorf("version: this build reads version %d, got %d", modelVersion, h.Version)
	}
	if h.Precision != PrecisionFloat32 && h.Precision != PrecisionFloat64 {
		return fmt.Errorf("precision: must be float32 or float64, got %q", h.Precision)
	}
	if len(h.Sizes) < 2 {
		return fmt.Errorf("sizes: need inputs and classes, got %v", h.Sizes)
	}
	total := 0
	for i, s := range h.Sizes {
		if s < 1 || s > 1<<24 {
			return fmt.Errorf("sizes[%d]: must be in [1, 2^24], got %d", i, s)
		}
		if i > 0 {
			total += h.Sizes[i-1]*s + s
			if total > 1<<32 {
				return errors.New("sizes: more than 2^32 parameters")
			}
		}
	}
	if h.Sizes[len(h.Sizes)-1] < 2 {
		return fmt.Errorf("sizes: need at least 2 classes, got %d", h.Sizes[len(h.Sizes)-1])
	}
	if h.Params != total {
		return fmt.Errorf("params: sizes %v need %d, got %d", h.Sizes, total, h.Params)
	}
	switch h.Activation {
	case ActivationReLU, ActivationTanh, ActivationSigmoid, ActivationELU:
	default:
		return fmt.Errorf("activation: unknown %q", h.Activation)
	}
	cfg := h.Config.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if cfg.Precision != h.Precision || cfg.Activation != h.Activation || !slices.Equal(cfg.Layers, h.Sizes[1:len(h.Sizes)-1]) {
		return errors.New("config: precision, activation or layers disagree with the header")
	}
	h.Config = cfg
	return nil
}

// readParams reads the parameter values; the slice grows as data arrives so
// a lying header cannot make it allocate more than the input holds.
func readParams[T kernel.Float](r io.Reader, sizes []int, act actKind, width int) (*net[T], error) {
	total, _ := paramCount(sizes)
	params := make([]T, 0, min(total, 1<<16))
	buf := make([]byte, 8<<10)
	for len(params) < total {
		n := min(len(buf), (total-len(params))*width)
		if _, err := io.ReadFull(r, buf[:n]); err != nil {
			return nil, fmt.Errorf("parameters: read %d of %d values: %w", len(params), total, err)
		}
		for i := 0; i < n; i += width {
			var v T
			if width == 8 {
				v = T(math.Float64frombits(binary.LittleEndian.Uint64(buf[i:])))
			} else {
				v = T(math.Float32frombits(binary.LittleEndian.Uint32(buf[i:])))
			}
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("parameters: value %d is not finite", len(params))
			}
			params = append(params, v)
		}
	}
	n := &net[T]{sizes: slices.Clone(sizes), act: act, params: params}
	_, n.nKernel = paramCount(sizes)
	n.w, n.b = paramViews(n.sizes, n.params)
	return n, nil
}
