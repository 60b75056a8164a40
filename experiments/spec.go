// Package experiments owns sweep's spec format and the objective that turns a
// spec into trials: it parses and validates spec files (YAML, every error
// naming the file, line and field path), translates a spec's search space
// into a search.Space, trains and evaluates one trial per set of parameters
// (data → preprocessing → MLP → metrics), and reproduces or applies a
// recorded trial.
//
// The example specs in this directory run on the data sets kept in
// experiments/data; README.md documents every field.
package experiments

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
	"github.com/sweep-ml/sweep/trainer/text"
)

// Spec is one experiment: where the data is and how to prepare it, the
// model's default configuration, and the search over it. Parse fills every
// field the file leaves out with its default.
type Spec struct {
	// File is the spec's path as the user named it (for error messages).
	File string
	// Source is the file's bytes, stored with the study so that any trial
	// can be rebuilt from the store alone.
	Source []byte
	// Dir is the directory relative paths are resolved against: the
	// spec file's directory.
	Dir string

	// Name is the study name; default the file name without extension.
	Name string
	// Seed is the study seed: it fixes the train/validation/test split
	// and, through the search driver, every trial's seed. Default 42.
	Seed uint64

	Data   DataSpec
	Model  ModelSpec
	Search SearchSpec

	// lines maps field paths to the line they were written on.
	lines map[string]int
	// dataDir, set by StoredSpec, is the directory that replaces an
	// absolute data path's directory; stored marks a spec read from a
	// study record.
	dataDir string
	stored  bool
}

// DataSpec says how to load and prepare the data set.
type DataSpec struct {
	// Path is the CSV/TSV file (optionally .gz), relative to the spec file.
	Path string
	// Label is the class column; default "label".
	Label string
	// Text names the free-text column to vectorize with TF-IDF; default
	// "text". A file with that column is read as text data (it is the
	// only feature); a file without it as numeric data.
	Text string
	// Features lists the feature columns to use; empty means every
	// column but the label.
	Features []string
	// Comma is the field separator; default "," ("\t" for .tsv files).
	Comma string
	// MissingValues are the cell values read as missing; empty means the
	// loader's default ("", NA, N/A, NaN, nan, null, NULL, ?).
	MissingValues []string
	// DropMalformed drops rows with the wrong number of fields instead of
	// failing; default false.
	DropMalformed bool

	Split SplitSpec
	// Impute fills missing numeric values: mean (default), median,
	// most_frequent, or drop (rows with a missing value are left out).
	Impute string
	// Scale standardizes numeric features: standard (default), minmax or
	// none.
	Scale string
	// TextOpts configures the TF-IDF vectorizer for a text column;
	// defaults follow scikit-learn's TfidfVectorizer.
	TextOpts text.Options
	Sampling SamplingSpec
}

// SplitSpec gives the held-out fractions, each in (0, 1) and 0.2 by
// default: Test of all rows, Validation of the rows left after the test
// rows. The split is stratified and fixed by the study seed; a class too
// small to keep a training row is an error when the data is loaded.
type SplitSpec struct {
	Test       float64
	Validation float64
}

// SamplingSpec rebalances the training part of the data (never validation
// or test).
type SamplingSpec struct {
	// Strategy is none (default), oversample, undersample, smote or
	// class_weight.
	Strategy string
	// K is SMOTE's number of neighbours; default 5.
	K int
	// Targets optionally gives the wanted count per class label.
	Targets map[string]int
}

// ModelSpec is the MLP's configuration, Keras defaults unless said.
type ModelSpec struct {
	// Layers holds the width of each hidden layer; default [128].
	Layers []int
	// Activation of hidden layers: relu (default), tanh, sigmoid or elu.
	Activation string
	// Dropout rate after each hidden layer, in [0, 1); default 0.
	Dropout float64
	// L1 and L2 are the kernel regularization factors; default 0.
	L1, L2 float64
	// Optimizer is adam (default), rmsprop or sgd.
	Optimizer string
	// LearningRate is in (0, 10]; when absent (0), 0.01 for sgd and 0.001
	// otherwise (Keras).
	LearningRate float64
	Momentum     float64 // sgd and rmsprop; default 0
	Nesterov     bool    // sgd; default false
	Rho          float64 // rmsprop; default 0.9
	Beta1        float64 // adam, in (0, 1); default 0.9
	Beta2        float64 // adam, in (0, 1); default 0.999
	Epsilon      float64 // adam and rmsprop; default 1e-7
	BatchSize    int     // default 32
	Epochs       int     // maximum epochs; default 100
	// EarlyStopping stops training when the monitored value stops
	// improving.
	EarlyStopping EarlyStoppingSpec
	// Precision is the float type of training: float32 (default) or
	// float64.
	Precision string
}

// EarlyStoppingSpec mirrors Keras' EarlyStopping callback, with the
// article's patience of 10 and the best weights restored.
type EarlyStoppingSpec struct {
	// Monitor is val_loss (default), val_macro_f1, val_accuracy or none
	// (train every epoch, keep the last weights).
	Monitor  string
	MinDelta float64 // default 0
	// Patience is the number of epochs without improvement before
	// stopping; default 10.
	Patience    int
	RestoreBest bool // default true
}

// SearchSpec configures the search driver.
type SearchSpec struct {
	// Sampler is random (default) or grid.
	Sampler string
	// Trials is the number of trials, 1 to 1000000; when absent (0), 20 for
	// random search and the grid's size for grid search.
	Trials int
	// Parallel is how many trials train at once; default 1.
	Parallel int
	// Timeout stops scheduling new trials after this long; 0 (default)
	// means none.
	Timeout time.Duration
	// TrialTimeout cancels one trial after this long; 0 (default) means
	// none.
	TrialTimeout time.Duration
	// Objective is the metric optimized: val_macro_f1 (default),
	// val_accuracy or val_loss.
	Objective string
	// Direction is maximize or minimize; default minimize for val_loss,
	// maximize otherwise.
	Direction string
	// Target stops the search once a trial reaches it; nil for none.
	Target *float64
	// MaxRetries is how many times a failed trial is started again by a
	// later run of the study (a failure repeats exactly with the same
	// params and seed, so the run that saw it does not retry it); default 1.
	MaxRetries int
	// Pruner stops unpromising trials early; nil for none.
	Pruner *MedianPrunerSpec
	// Space is the search space, in file order.
	Space []ParamSpec
}

// MedianPrunerSpec configures the median pruner: a trial is stopped at an
// epoch when its value is worse than the median of earlier trials at the
// same epoch.
type MedianPrunerSpec struct {
	WarmupTrials int // trials that complete before any pruning; default 5
	WarmupEpochs int // epochs of each trial never pruned; default 5
}

// DefaultSpec returns the spec every file starts from.
func DefaultSpec() Spec {
	return Spec{
		Seed: 42,
		Data: DataSpec{
			Label:    "label",
			Split:    SplitSpec{Test: 0.2, Validation: 0.2},
			Impute:   "mean",
			Scale:    "standard",
			TextOpts: text.Options{}.WithDefaults(),
			Sampling: SamplingSpec{Strategy: "none", K: 5},
		},
		Model: ModelSpec{
			Layers:     []int{128},
			Activation: "relu",
			Optimizer:  "adam",
			Rho:        0.9,
			Beta1:      0.9,
			Beta2:      0.999,
			Epsilon:    1e-7,
			BatchSize:  32,
			Epochs:     100,
			EarlyStopping: EarlyStoppingSpec{
				Monitor: "val_loss", Patience: 10, RestoreBest: true,
			},
			Precision: "float32",
		},
		Search: SearchSpec{
			Sampler:    "random",
			Parallel:   1,
			Objective:  "val_macro_f1",
			MaxRetries: 1,
		},
	}
}

// Load reads and parses the spec file at path.
func Load(path string) (*Spec, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("spec file %s does not exist", path)
		}
		return nil, fmt.Errorf("read spec %s: %w", path, err)
	}
	return Parse(path, filepath.Dir(path), src)
}

// Parse parses and validates a spec. file names the spec in errors; dir is
// the directory the data path is relative to. Every error is a *FieldError
// naming the file, line and field path.
func Parse(file, dir string, src []byte) (*Spec, error) {
	base := filepath.Base(file)
	return parse(file, dir, src, strings.TrimSuffix(base, filepath.Ext(base)))
}

// parse is Parse with the name a spec without one gets.
func parse(file, dir string, src []byte, defaultName string) (*Spec, error) {
	// Windows editors may start a UTF-8 file with a byte order mark; it
	// is not part of the YAML and sits on line 1, so lines do not move.
	root, err := parseTree(file, bytes.TrimPrefix(src, []byte("\uFEFF")))
	if err != nil {
		return nil, err
	}
	s := DefaultSpec()
	s.File, s.Dir = file, dir
	s.Source = append([]byte(nil), src...)
	s.lines = map[string]int{}
	d := &decoder{file: file, lines: s.lines}
	if root.kind != nodeMap {
		return nil, newFieldError(file, root.line, "", "a spec must be a mapping with fields name, seed, data, model, search")
	}
	sawDirection := false
	d.object(root, "", []field{
		{"name", d.str(&s.Name)},
		{"seed", d.uint64(&s.Seed)},
		{"data", func(n *node, p string) { d.dataSpec(n, p, &s.Data) }},
		{"model", func(n *node, p string) { d.modelSpec(n, p, &s.Model) }},
		{"search", func(n *node, p string) { sawDirection = d.searchSpec(n, p, &s.Search) }},
	})
	if d.err != nil {
		return nil, d.err
	}
	if s.Name == "" && !s.given("name") {
		s.Name = defaultName
	}
	if !sawDirection {
		s.Search.Direction = tracker.DefaultDirection(s.Search.Objective).String()
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

func (d *decoder) dataSpec(n *node, path string, ds *DataSpec) {
	d.object(n, path, []field{
		{"path", d.str(&ds.Path)},
		{"label", d.str(&ds.Label)},
		{"text", d.str(&ds.Text)},
		{"features", d.strs(&ds.Features)},
		{"comma", d.str(&ds.Comma)},
		{"missing_values", d.strs(&ds.MissingValues)},
		{"drop_malformed", d.boolean(&ds.DropMalformed)},
		{"split", func(n *node, p string) {
			d.object(n, p, []field{
				{"test", d.float(&ds.Split.Test)},
				{"validation", d.float(&ds.Split.Validation)},
			})
		}},
		{"impute", d.str(&ds.Impute)},
		{"scale", d.str(&ds.Scale)},
		{"text_options", func(n *node, p string) { d.textSpec(n, p, &ds.TextOpts) }},
		{"sampling", func(n *node, p string) { d.samplingSpec(n, p, &ds.Sampling) }},
	})
}

func (d *decoder) textSpec(n *node, path string, t *text.Options) {
	d.object(n, path, []field{
		{"normalize", d.str(&t.Normalize)},
		{"case", d.str(&t.Case)},
		{"strip_accents", d.str(&t.StripAccents)},
		{"punctuation", d.str(&t.Punctuation)},
		{"digits", d.str(&t.Digits)},
		{"min_token_runes", d.integer(&t.MinTokenRunes)},
		{"stop_words", d.str(&t.StopWords)},
		{"stemmer", d.str(&t.Stemmer)},
		{"ngram_min", d.integer(&t.NGramMin)},
		{"ngram_max", d.integer(&t.NGramMax)},
		{"min_df", d.float(&t.MinDF)},
		{"max_df", d.float(&t.MaxDF)},
		{"max_features", d.integer(&t.MaxFeatures)},
		{"sublinear_tf", d.boolean(&t.SublinearTF)},
		{"idf", d.str(&t.IDF)},
		{"norm", d.str(&t.Norm)},
	})
}

func (d *decoder) samplingSpec(n *node, path string, s *SamplingSpec) {
	if n.kind == nodeScalar {
		// Shorthand: "sampling: smote".
		d.str(&s.Strategy)(n, path)
		return
	}
	d.object(n, path, []field{
		{"strategy", d.str(&s.Strategy)},
		{"k", d.integer(&s.K)},
		{"targets", func(n *node, p string) {
			if n.kind == nodeNull {
				s.Targets = nil
				return
			}
			if n.kind != nodeMap {
				d.fail(n.line, p, "must map class labels to counts")
				return
			}
			s.Targets = map[string]int{}
			for i, k := range n.keys {
				var c int
				d.integer(&c)(n.vals[i], join(p, k))
				s.Targets[k] = c
				d.lines[join(p, k)] = n.klines[i]
			}
		}},
	})
}

func (d *decoder) modelSpec(n *node, path string, m *ModelSpec) {
	d.object(n, path, []field{
		{"layers", func(n *node, p string) {
			if i, ok := integer(n); ok {
				m.Layers = []int{int(i)}
				return
			}
			if n.kind != nodeSeq {
				d.fail(n.line, p, "must be a list of hidden layer widths, e.g. [128, 64]")
				return
			}
			m.Layers = make([]int, len(n.items))
			for i, it := range n.items {
				d.integer(&m.Layers[i])(it, fmt.Sprintf("%s[%d]", p, i))
				d.lines[fmt.Sprintf("%s[%d]", p, i)] = it.line
			}
		}},
		{"activation", d.str(&m.Activation)},
		{"dropout", d.float(&m.Dropout)},
		{"l1", d.float(&m.L1)},
		{"l2", d.float(&m.L2)},
		{"optimizer", d.str(&m.Optimizer)},
		{"learning_rate", d.float(&m.LearningRate)},
		{"momentum", d.float(&m.Momentum)},
		{"nesterov", d.boolean(&m.Nesterov)},
		{"rho", d.float(&m.Rho)},
		{"beta1", d.float(&m.Beta1)},
		{"beta2", d.float(&m.Beta2)},
		{"epsilon", d.float(&m.Epsilon)},
		{"batch_size", d.integer(&m.BatchSize)},
		{"epochs", d.integer(&m.Epochs)},
		{"early_stopping", func(n *node, p string) {
			if b, ok := n.scalar.(bool); ok && n.kind == nodeScalar {
				// Shorthand: "early_stopping: false" disables it.
				if !b {
					m.EarlyStopping.Monitor = "none"
				}
				return
			}
			d.object(n, p, []field{
				{"monitor", d.str(&m.EarlyStopping.Monitor)},
				{"min_delta", d.float(&m.EarlyStopping.MinDelta)},
				{"patience", d.integer(&m.EarlyStopping.Patience)},
				{"restore_best", d.boolean(&m.EarlyStopping.RestoreBest)},
			})
		}},
		{"precision", d.str(&m.Precision)},
	})
}

// searchSpec decodes the search section and reports whether it set the
// direction explicitly.
func (d *decoder) searchSpec(n *node, path string, s *SearchSpec) bool {
	sawDirection := false
	d.object(n, path, []field{
		{"sampler", d.str(&s.Sampler)},
		{"trials", d.integer(&s.Trials)},
		{"parallel", d.integer(&s.Parallel)},
		{"timeout", d.duration(&s.Timeout)},
		{"trial_timeout", d.duration(&s.TrialTimeout)},
		{"objective", d.str(&s.Objective)},
		{"direction", func(n *node, p string) { sawDirection = true; d.str(&s.Direction)(n, p) }},
		{"target", d.optFloat(&s.Target)},
		{"max_retries", d.integer(&s.MaxRetries)},
		{"pruner", func(n *node, p string) { d.pruner(n, p, &s.Pruner) }},
		{"space", func(n *node, p string) { d.space(n, p, &s.Space) }},
	})
	return sawDirection
}

func (d *decoder) pruner(n *node, path string, dst **MedianPrunerSpec) {
	if n.kind == nodeNull {
		*dst = nil
		return
	}
	if n.kind == nodeScalar {
		switch scalarString(n.scalar) {
		case "none":
			*dst = nil
		case "median":
			*dst = &MedianPrunerSpec{WarmupTrials: 5, WarmupEpochs: 5}
		default:
			d.fail(n.line, path, "must be none or median, got %s", describe(n))
		}
		return
	}
	p := &MedianPrunerSpec{WarmupTrials: 5, WarmupEpochs: 5}
	d.object(n, path, []field{
		{"median", func(n *node, path string) {
			d.object(n, path, []field{
				{"warmup_trials", d.integer(&p.WarmupTrials)},
				{"warmup_epochs", d.integer(&p.WarmupEpochs)},
			})
		}},
	})
	*dst = p
}

// Validate checks every field, returning the first problem as a
// *FieldError with its line when the field was written in the file.
func (s *Spec) Validate() error {
	for _, c := range s.checks() {
		if c.msg != "" {
			return s.fieldError(c.path, c.msg)
		}
	}
	for i := range s.Search.Space {
		if err := s.Search.Space[i].validate(s); err != nil {
			return err
		}
	}
	if err := s.Data.TextOpts.Validate(); err != nil {
		return s.downstreamError("data.text_options", err)
	}
	if err := s.TrainerConfig().Validate(); err != nil {
		return s.downstreamError("model", err)
	}
	if err := s.DataConfig().Validate(); err != nil {
		return s.downstreamError("data", err)
	}
	if s.Search.Sampler == "grid" {
		n, finite := s.SpaceSize()
		if !finite {
			for _, p := range s.Search.Space {
				if p.continuous() {
					return s.fieldError("search.space."+p.Name, "grid search needs a finite set: give values, or min and max with step or count")
				}
			}
		}
		if n == math.MaxInt {
			// The sampler would fail on its first trial, after the data
			// was loaded and the study recorded.
			return s.fieldError("search.space", fmt.Sprintf("grid of %.2g configurations is too large; the grid sampler enumerates at most %d (use sampler: random, or fewer values)",
				s.gridPoints(), math.MaxInt32))
		}
	}
	return nil
}

// gridPoints returns the number of grid points of a finite space as a
// float, which does not overflow where search.Space.GridSize does.
func (s *Spec) gridPoints() float64 {
	space, err := s.SearchSpace()
	if err != nil {
		return math.NaN()
	}
	n := 1.0
	for _, p := range space.Params {
		switch p.Kind {
		case search.ParamCategorical:
			n *= float64(len(p.Choices))
		case search.ParamInt:
			n *= math.Floor(float64(p.IntMax-p.IntMin)/float64(p.Step)) + 1
		case search.ParamFloat:
			n *= float64(max(p.Count, 1))
		}
	}
	return n
}

// fieldError builds a FieldError for path, with the line of the path or of
// its nearest ancestor written in the file.
func (s *Spec) fieldError(path, msg string) error {
	return newFieldError(s.File, s.line(path), path, msg)
}

// downstreamError turns an error of a package's own Validate, which starts
// with the field path under prefix ("ngram_max: 9, want <= 8"), into a
// FieldError on the spec's line for that field.
func (s *Spec) downstreamError(prefix string, err error) error {
	msg := oneLine(err.Error())
	path := prefix
	if i := strings.Index(msg, ": "); i > 0 && !strings.ContainsAny(msg[:i], " \t") {
		field := msg[:i]
		if prefix == "model" {
			// The spec flattens the trainer's optimizer settings.
			field = strings.TrimPrefix(strings.Replace(field, "optimizer.name", "optimizer", 1), "optimizer.")
		}
		path = join(prefix, field)
		msg = msg[i+2:]
	}
	return s.fieldError(path, msg)
}

func (s *Spec) line(path string) int {
	for p := path; p != ""; {
		if l, ok := s.lines[p]; ok {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

type check struct {
	path string
	msg  string
}

func oneOf(v string, allowed ...string) string {
	for _, a := range allowed {
		if v == a {
			return ""
		}
	}
	return fmt.Sprintf("must be one of %s, got %q", strings.Join(allowed, ", "), v)
}

func cond(ok bool, format string, args ...any) string {
	if ok {
		return ""
	}
	return fmt.Sprintf(format, args...)
}

// Allowed values of the closed string fields.
var (
	activations = []string{"relu", "tanh", "sigmoid", "elu"}
	optimizers  = []string{"adam", "rmsprop", "sgd"}
	imputers    = []string{"mean", "median", "most_frequent", "drop"}
	scalers     = []string{"standard", "minmax", "none"}
	strategies  = []string{"none", "oversample", "undersample", "smote", "class_weight"}
	precisions  = []string{"float32", "float64"}
	monitors    = []string{"val_loss", "val_macro_f1", "val_accuracy", "none"}
	objectives  = []string{"val_macro_f1", "val_accuracy", "val_loss"}
)

func (s *Spec) checks() []check {
	d, m, x := &s.Data, &s.Model, &s.Search
	cs := []check{
		{"name", cond(validStudyName(s.Name), "must be 1 to 100 characters of ASCII letters, digits, '-', '_' or '.', got %q", s.Name)},
		{"data.path", cond(d.Path != "", "is required: the data file, relative to the spec file")},
		{"data.label", cond(d.Label != "", "must name the class column")},
		{"data.text", cond(d.Text == "" || d.Text != d.Label, "must differ from data.label")},
		{"data.text", cond(d.Text != "" || !s.given("data.text"), "must name the text column (leave the field out for the default, text)")},
		{"data.comma", cond(len([]rune(d.Comma)) == 1 || d.Comma == "" && !s.given("data.comma"), "must be a single character, got %q", d.Comma)},
		{"data.missing_values", cond(len(d.MissingValues) > 0 || !s.given("data.missing_values"), "must list at least one value (leave the field out for the default list)")},
		{"data.split.test", cond(d.Split.Test > 0 && d.Split.Test < 1, "must be between 0 and 1 (exclusive), got %g", d.Split.Test)},
		{"data.split.validation", cond(d.Split.Validation > 0 && d.Split.Validation < 1, "must be between 0 and 1 (exclusive), got %g", d.Split.Validation)},
		{"data.impute", oneOf(d.Impute, imputers...)},
		{"data.scale", oneOf(d.Scale, scalers...)},
		{"data.sampling.strategy", oneOf(d.Sampling.Strategy, strategies...)},
		{"data.sampling.k", cond(d.Sampling.K >= 1, "must be at least 1, got %d", d.Sampling.K)},
		{"model.layers", cond(len(m.Layers) >= 1 && len(m.Layers) <= 16, "must list 1 to 16 hidden layer widths, got %d", len(m.Layers))},
	}
	for i, u := range m.Layers {
		cs = append(cs, check{fmt.Sprintf("model.layers[%d]", i), cond(u >= 1 && u <= 1<<16, "must be between 1 and 65536, got %d", u)})
	}
	for k, c := range d.Sampling.Targets {
		if c < 0 {
			cs = append(cs, check{"data.sampling.targets." + k, fmt.Sprintf("must not be negative, got %d", c)})
		}
	}
	cs = append(cs,
		check{"model.activation", oneOf(m.Activation, activations...)},
		check{"model.dropout", cond(m.Dropout >= 0 && m.Dropout < 1, "must be in [0, 1), got %g", m.Dropout)},
		check{"model.l1", cond(m.L1 >= 0, "must not be negative, got %g", m.L1)},
		check{"model.l2", cond(m.L2 >= 0, "must not be negative, got %g", m.L2)},
		check{"model.optimizer", oneOf(m.Optimizer, optimizers...)},
		check{"model.learning_rate", cond(m.LearningRate > 0 && m.LearningRate <= 10 || m.LearningRate == 0 && !s.given("model.learning_rate"), "must be in (0, 10], got %g", m.LearningRate)},
		check{"model.momentum", cond(m.Momentum >= 0 && m.Momentum < 1, "must be in [0, 1), got %g", m.Momentum)},
		check{"model.nesterov", cond(!m.Nesterov || m.Optimizer == "sgd" || s.spaceHas("optimizer"), "applies to the sgd optimizer only")},
		check{"model.rho", cond(m.Rho > 0 && m.Rho < 1, "must be in (0, 1), got %g", m.Rho)},
		// The trainer reads a beta of 0 as its default, so 0 cannot be
		// honoured.
		check{"model.beta1", cond(m.Beta1 > 0 && m.Beta1 < 1, "must be in (0, 1), got %g", m.Beta1)},
		check{"model.beta2", cond(m.Beta2 > 0 && m.Beta2 < 1, "must be in (0, 1), got %g", m.Beta2)},
		check{"model.epsilon", cond(m.Epsilon > 0 && m.Epsilon < 1, "must be in (0, 1), got %g", m.Epsilon)},
		check{"model.batch_size", cond(m.BatchSize >= 1 && m.BatchSize <= 1<<20, "must be between 1 and 1048576, got %d", m.BatchSize)},
		check{"model.epochs", cond(m.Epochs >= 1 && m.Epochs <= 100000, "must be between 1 and 100000, got %d", m.Epochs)},
		check{"model.early_stopping.monitor", oneOf(m.EarlyStopping.Monitor, monitors...)},
		check{"model.early_stopping.min_delta", cond(m.EarlyStopping.MinDelta >= 0, "must not be negative, got %g", m.EarlyStopping.MinDelta)},
		check{"model.early_stopping.patience", cond(m.EarlyStopping.Patience >= 1, "must be at least 1, got %d (use monitor: none to turn early stopping off)", m.EarlyStopping.Patience)},
		check{"model.precision", oneOf(m.Precision, precisions...)},
		check{"search.sampler", oneOf(x.Sampler, "random", "grid")},
		check{"search.trials", cond(x.Trials >= 1 && x.Trials <= 1000000 || x.Trials == 0 && !s.given("search.trials"), "must be between 1 and 1000000, got %d", x.Trials)},
		check{"search.parallel", cond(x.Parallel >= 1 && x.Parallel <= 1024, "must be between 1 and 1024, got %d", x.Parallel)},
		check{"search.objective", oneOf(x.Objective, objectives...)},
		check{"search.direction", oneOf(x.Direction, "maximize", "minimize")},
		check{"search.direction", directionCheck(x.Objective, x.Direction)},
		check{"search.target", targetCheck(x.Objective, x.Target)},
		check{"search.max_retries", cond(x.MaxRetries >= 0 && x.MaxRetries <= 100, "must be between 0 and 100, got %d", x.MaxRetries)},
	)
	for _, p := range x.Space {
		path := "search.space." + p.Name
		cs = append(cs,
			check{path + ".step", cond(p.Step != 0 || !s.given(path+".step"), "must be above 0, got 0")},
			check{path + ".count", cond(p.Count != 0 || !s.given(path+".count"), "must be at least 2, got 0")},
		)
	}
	if x.Pruner != nil {
		cs = append(cs,
			check{"search.pruner.median.warmup_trials", cond(x.Pruner.WarmupTrials >= 0, "must not be negative, got %d", x.Pruner.WarmupTrials)},
			check{"search.pruner.median.warmup_epochs", cond(x.Pruner.WarmupEpochs >= 0, "must not be negative, got %d", x.Pruner.WarmupEpochs)},
		)
	}
	return cs
}

// directionCheck requires the direction the objective improves in: a loss
// is minimized, a score maximized. The other way round, the search would
// rank the worst trials first.
func directionCheck(objective, direction string) string {
	want := tracker.DefaultDirection(objective).String()
	if direction == want || oneOf(direction, "maximize", "minimize") != "" || oneOf(objective, objectives...) != "" {
		return ""
	}
	return fmt.Sprintf("%s is %sd, not %sd (leave the field out for %s)", objective, want, direction, want)
}

// targetCheck requires a target the objective can reach: a score in [0, 1],
// a loss at least 0.
func targetCheck(objective string, target *float64) string {
	if target == nil {
		return ""
	}
	if objective == "val_loss" {
		return cond(*target >= 0, "must not be negative for %s, got %g", objective, *target)
	}
	return cond(*target >= 0 && *target <= 1, "must be between 0 and 1 for %s, got %g", objective, *target)
}

// given reports whether the field at path was written in the file, so that
// an explicit 0 or "" is checked as written instead of read as "use the
// default".
func (s *Spec) given(path string) bool {
	_, ok := s.lines[path]
	return ok
}

func (s *Spec) spaceHas(name string) bool {
	for _, p := range s.Search.Space {
		if p.Name == name {
			return true
		}
	}
	return false
}

// validStudyName accepts names that are safe in file names, URLs and shells.
func validStudyName(n string) bool {
	if n == "" || len(n) > 100 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// DataPath returns the data file's path resolved against the spec's
// directory. For a stored spec read with a data directory, an absolute
// path is replaced by its base name in that directory.
func (s *Spec) DataPath() string {
	if filepath.IsAbs(s.Data.Path) {
		if s.dataDir != "" {
			return filepath.Join(s.dataDir, filepath.Base(s.Data.Path))
		}
		return s.Data.Path
	}
	return filepath.Join(s.Dir, s.Data.Path)
}

// Direction returns the search direction.
func (s *Spec) Direction() search.Direction {
	if s.Search.Direction == "minimize" {
		return search.Minimize
	}
	return search.Maximize
}

// TrialCount returns the number of trials the search runs: search.trials,
// or the grid's size for a grid search that does not say.
func (s *Spec) TrialCount() int {
	if s.Search.Trials > 0 {
		return s.Search.Trials
	}
	if s.Search.Sampler == "grid" {
		if n, ok := s.SpaceSize(); ok {
			return n
		}
	}
	return 20
}
