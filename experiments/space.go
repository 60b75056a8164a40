package experiments

import (
	"fmt"
	"math"
	"strings"

	"github.com/sweep-ml/sweep/search"
)

// ParamSpec is one dimension of the search space, written in a spec as
//
//	name: {values: [a, b, c]}            # a choice
//	name: {min: 1e-4, max: 1e-2, log: true}  # a range, optionally log-scaled
//	name: {min: 16, max: 256, step: 16}  # a stepped range
//	name: {min: 0, max: 0.5, count: 6}   # count evenly spaced points
//	name: 0.2                            # a fixed value
//
// Exactly one of Values, a range (Min/Max) or Fixed is set.
type ParamSpec struct {
	Name string
	// Values lists a choice's values, in file order.
	Values []search.Value
	// Range bounds (inclusive) for an int or float parameter.
	Min, Max float64
	IsRange  bool
	// Log samples the range uniformly in log space (min must be above 0).
	Log bool
	// Step spaces grid points from Min; 0 for a continuous range.
	Step float64
	// Count spaces Count points evenly from Min to Max (log-spaced when
	// Log); 0 for a continuous range.
	Count int
	// Fixed is a constant value (the dimension has one point).
	Fixed *search.Value
}

// paramDef is a known space parameter: its value kind, the check on each
// value, and where it goes in the spec.
type paramDef struct {
	name    string
	kind    search.Kind
	allowed []string // closed set for string parameters
	// check returns a message for a bad numeric value, "" when fine.
	check func(f float64) string
	// text marks TF-IDF parameters, which need data.text.
	text  bool
	apply func(s *Spec, v search.Value)
	doc   string
}

func atLeast(lo float64) func(float64) string {
	return func(f float64) string { return cond(f >= lo, "must be at least %g, got %g", lo, f) }
}

func between(lo, hi float64) func(float64) string {
	return func(f float64) string {
		return cond(f >= lo && f <= hi, "must be between %g and %g, got %g", lo, hi, f)
	}
}

// paramDefs lists every space parameter, in documentation order.
var paramDefs = []paramDef{
	{name: "units", kind: search.KindInt, check: between(1, 1<<16), doc: "width of every hidden layer",
		apply: func(s *Spec, v search.Value) {
			for i := range s.Model.Layers {
				s.Model.Layers[i] = int(v.Int)
			}
		}},
	{name: "layers", kind: search.KindInt, check: between(1, 16), doc: "number of hidden layers (each as wide as the first of model.layers, or units)",
		apply: func(s *Spec, v search.Value) {
			w := s.Model.Layers[0]
			s.Model.Layers = make([]int, v.Int)
			for i := range s.Model.Layers {
				s.Model.Layers[i] = w
			}
		}},
	{name: "activation", kind: search.KindString, allowed: activations, doc: "hidden activation",
		apply: func(s *Spec, v search.Value) { s.Model.Activation = v.Str }},
	{name: "dropout", kind: search.KindFloat, check: func(f float64) string {
		if f >= 1 {
			return fmt.Sprintf("must be below 1, got %g", f)
		}
		return cond(f >= 0, "must not be negative, got %g", f)
	}, doc: "dropout rate", apply: func(s *Spec, v search.Value) { s.Model.Dropout = v.Float }},
	{name: "l1", kind: search.KindFloat, check: atLeast(0), doc: "L1 kernel regularization",
		apply: func(s *Spec, v search.Value) { s.Model.L1 = v.Float }},
	{name: "l2", kind: search.KindFloat, check: atLeast(0), doc: "L2 kernel regularization",
		apply: func(s *Spec, v search.Value) { s.Model.L2 = v.Float }},
	{name: "optimizer", kind: search.KindString, allowed: optimizers, doc: "optimizer",
		apply: func(s *Spec, v search.Value) { s.Model.Optimizer = v.Str }},
	{name: "learning_rate", kind: search.KindFloat, check: func(f float64) string {
		return cond(f > 0 && f <= 10, "must be in (0, 10], got %g", f)
	}, doc: "learning rate", apply: func(s *Spec, v search.Value) { s.Model.LearningRate = v.Float }},
	{name: "momentum", kind: search.KindFloat, check: func(f float64) string {
		return cond(f >= 0 && f < 1, "must be in [0, 1), got %g", f)
	}, doc: "sgd/rmsprop momentum", apply: func(s *Spec, v search.Value) { s.Model.Momentum = v.Float }},
	{name: "batch_size", kind: search.KindInt, check: between(1, 1<<20), doc: "mini-batch size",
		apply: func(s *Spec, v search.Value) { s.Model.BatchSize = int(v.Int) }},
	{name: "epochs", kind: search.KindInt, check: between(1, 100000), doc: "maximum epochs",
		apply: func(s *Spec, v search.Value) { s.Model.Epochs = int(v.Int) }},
	{name: "patience", kind: search.KindInt, check: between(1, 100000), doc: "early-stopping patience",
		apply: func(s *Spec, v search.Value) { s.Model.EarlyStopping.Patience = int(v.Int) }},
	{name: "precision", kind: search.KindString, allowed: precisions, doc: "training float type",
		apply: func(s *Spec, v search.Value) { s.Model.Precision = v.Str }},
	{name: "sampling", kind: search.KindString, allowed: strategies, doc: "training-set resampling strategy",
		apply: func(s *Spec, v search.Value) { s.Data.Sampling.Strategy = v.Str }},
	{name: "smote_k", kind: search.KindInt, check: between(1, 100), doc: "SMOTE neighbours",
		apply: func(s *Spec, v search.Value) { s.Data.Sampling.K = int(v.Int) }},
	{name: "scale", kind: search.KindString, allowed: scalers, doc: "feature scaling",
		apply: func(s *Spec, v search.Value) { s.Data.Scale = v.Str }},
	{name: "impute", kind: search.KindString, allowed: imputers, doc: "missing-value imputation",
		apply: func(s *Spec, v search.Value) { s.Data.Impute = v.Str }},
	{name: "ngram_max", kind: search.KindInt, check: between(1, 5), text: true, doc: "longest n-gram",
		apply: func(s *Spec, v search.Value) { s.Data.TextOpts.NGramMax = int(v.Int) }},
	{name: "min_df", kind: search.KindFloat, check: atLeast(0), text: true, doc: "minimum document frequency",
		apply: func(s *Spec, v search.Value) { s.Data.TextOpts.MinDF = v.Float }},
	{name: "max_df", kind: search.KindFloat, check: func(f float64) string { return cond(f > 0, "must be above 0, got %g", f) }, text: true, doc: "maximum document frequency",
		apply: func(s *Spec, v search.Value) { s.Data.TextOpts.MaxDF = v.Float }},
	{name: "max_features", kind: search.KindInt, check: atLeast(0), text: true, doc: "vocabulary size cap (0: none)",
		apply: func(s *Spec, v search.Value) { s.Data.TextOpts.MaxFeatures = int(v.Int) }},
	{name: "sublinear_tf", kind: search.KindBool, text: true, doc: "1+log(tf)",
		apply: func(s *Spec, v search.Value) { s.Data.TextOpts.SublinearTF = v.Bool }},
	{name: "stemmer", kind: search.KindString, allowed: []string{"none", "porter", "snowball"}, text: true, doc: "stemmer",
		apply: func(s *Spec, v search.Value) { s.Data.TextOpts.Stemmer = v.Str }},
	{name: "stop_words", kind: search.KindString, allowed: []string{"none", "english"}, text: true, doc: "stop-word list",
		apply: func(s *Spec, v search.Value) { s.Data.TextOpts.StopWords = v.Str }},
}

func paramByName(name string) paramDef {
	for _, p := range paramDefs {
		if p.name == name {
			return p
		}
	}
	return paramDef{}
}

func paramNames() string {
	names := make([]string, len(paramDefs))
	for i, p := range paramDefs {
		names[i] = p.name
	}
	return strings.Join(names, ", ")
}

// space decodes search.space: an ordered mapping of parameter names.
func (d *decoder) space(n *node, path string, dst *[]ParamSpec) {
	if n.kind == nodeNull {
		*dst = nil
		return
	}
	if n.kind != nodeMap {
		d.fail(n.line, path, "must map parameter names to {values: [...]}, {min, max} or a fixed value")
		return
	}
	*dst = nil
	for i, name := range n.keys {
		p := join(path, name)
		d.lines[p] = n.klines[i]
		def := paramByName(name)
		if def.name == "" {
			d.fail(n.klines[i], p, "unknown parameter %q (known: %s)", name, paramNames())
			return
		}
		ps := ParamSpec{Name: name}
		d.param(n.vals[i], p, def, &ps)
		if d.err != nil {
			return
		}
		*dst = append(*dst, ps)
	}
}

func (d *decoder) param(n *node, path string, def paramDef, ps *ParamSpec) {
	switch n.kind {
	case nodeScalar:
		v, ok := d.value(n, path, def)
		if ok {
			ps.Fixed = &v
		}
		return
	case nodeSeq:
		d.fail(n.line, path, "write a choice as {values: [...]}")
		return
	case nodeNull:
		d.fail(n.line, path, "needs {values: [...]}, {min, max} or a fixed value")
		return
	}
	var minSet, maxSet bool
	d.object(n, path, []field{
		{"values", func(n *node, p string) {
			if n.kind != nodeSeq || len(n.items) == 0 {
				d.fail(n.line, p, "must be a non-empty list")
				return
			}
			for i, it := range n.items {
				ip := fmt.Sprintf("%s[%d]", p, i)
				d.lines[ip] = it.line
				v, ok := d.value(it, ip, def)
				if !ok {
					return
				}
				for _, prev := range ps.Values {
					if prev == v {
						d.fail(it.line, ip, "repeats the value %s", v)
						return
					}
				}
				ps.Values = append(ps.Values, v)
			}
		}},
		{"min", func(n *node, p string) { minSet = true; d.float(&ps.Min)(n, p) }},
		{"max", func(n *node, p string) { maxSet = true; d.float(&ps.Max)(n, p) }},
		{"log", d.boolean(&ps.Log)},
		{"step", d.float(&ps.Step)},
		{"count", d.integer(&ps.Count)},
	})
	if d.err != nil {
		return
	}
	ps.IsRange = minSet || maxSet
	switch {
	case ps.Values != nil && (ps.IsRange || ps.Log || ps.Step != 0 || ps.Count != 0):
		d.fail(n.line, path, "give either values or a range (min, max, log, step, count), not both")
	case ps.Values == nil && !ps.IsRange:
		d.fail(n.line, path, "needs values, or min and max")
	case ps.IsRange && (!minSet || !maxSet):
		d.fail(n.line, path, "a range needs both min and max")
	}
}

// value reads one scalar as a value of the parameter's kind and checks it.
func (d *decoder) value(n *node, path string, def paramDef) (search.Value, bool) {
	var v search.Value
	switch def.kind {
	case search.KindInt:
		i, ok := integer(n)
		if !ok {
			d.fail(n.line, path, "must be an integer, got %s", describe(n))
			return v, false
		}
		v = search.Int(i)
	case search.KindFloat:
		f, ok := number(n)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			d.fail(n.line, path, "must be a finite number, got %s", describe(n))
			return v, false
		}
		v = search.Float(f)
	case search.KindBool:
		b, ok := n.scalar.(bool)
		if !ok {
			d.fail(n.line, path, "must be true or false, got %s", describe(n))
			return v, false
		}
		v = search.Bool(b)
	default:
		s := scalarString(n.scalar)
		if msg := oneOf(s, def.allowed...); msg != "" {
			d.fail(n.line, path, "%s", msg)
			return v, false
		}
		v = search.String(s)
	}
	if msg := checkValue(def, v); msg != "" {
		d.fail(n.line, path, "%s", msg)
		return v, false
	}
	return v, true
}

func checkValue(def paramDef, v search.Value) string {
	if def.check == nil {
		return ""
	}
	f, ok := v.AsFloat()
	if !ok {
		return ""
	}
	return def.check(f)
}

// validate checks a range against its parameter's bounds; values were
// checked as they were read.
func (p *ParamSpec) validate(s *Spec) error {
	def := paramByName(p.Name)
	path := "search.space." + p.Name
	if !p.IsRange {
		return nil
	}
	if def.kind != search.KindInt && def.kind != search.KindFloat {
		return s.fieldError(path, fmt.Sprintf("is a %s parameter: give values, not a range", kindName(def.kind)))
	}
	for _, b := range []struct {
		name string
		v    float64
	}{{"min", p.Min}, {"max", p.Max}} {
		if def.kind == search.KindInt && b.v != math.Trunc(b.v) {
			return s.fieldError(path+"."+b.name, fmt.Sprintf("must be an integer, got %g", b.v))
		}
		if msg := def.check(b.v); msg != "" {
			return s.fieldError(path+"."+b.name, msg)
		}
	}
	switch {
	case p.Min > p.Max:
		return s.fieldError(path+".max", fmt.Sprintf("must be at least min (%g), got %g", p.Min, p.Max))
	case p.Log && p.Min <= 0:
		return s.fieldError(path+".min", fmt.Sprintf("must be above 0 for a log range, got %g", p.Min))
	case p.Step < 0:
		return s.fieldError(path+".step", fmt.Sprintf("must be above 0, got %g", p.Step))
	case p.Step > 0 && p.Log:
		return s.fieldError(path+".step", "cannot be combined with log (use count)")
	case p.Step > 0 && p.Count > 0:
		return s.fieldError(path+".count", "give step or count, not both")
	case def.kind == search.KindInt && p.Step != math.Trunc(p.Step):
		return s.fieldError(path+".step", fmt.Sprintf("must be an integer, got %g", p.Step))
	case p.Count < 0 || p.Count == 1 && p.Min != p.Max:
		return s.fieldError(path+".count", fmt.Sprintf("must be at least 2, got %d", p.Count))
	case p.Step > 0 && (p.Max-p.Min)/p.Step > 1e6:
		return s.fieldError(path+".step", fmt.Sprintf("gives more than a million points (%g)", (p.Max-p.Min)/p.Step))
	case p.Count > 1e6:
		return s.fieldError(path+".count", fmt.Sprintf("must be at most 1000000, got %d", p.Count))
	}
	return nil
}

func kindName(k search.Kind) string {
	switch k {
	case search.KindInt:
		return "integer"
	case search.KindFloat:
		return "float"
	case search.KindBool:
		return "boolean"
	}
	return "string"
}

// continuous reports whether the dimension is a float range without step or
// count: infinitely many points, so no grid.
func (p *ParamSpec) continuous() bool {
	return p.Fixed == nil && p.Values == nil && paramByName(p.Name).kind != search.KindInt &&
		p.Count == 0 && p.Step == 0 && p.Min != p.Max
}

// SpaceSize returns the number of points the grid sampler enumerates over
// the search space (search.Space.GridSize), and false when a continuous
// range makes it infinite or the space is invalid. A grid too large for
// the sampler (more than math.MaxInt32 points) is reported as math.MaxInt;
// Validate refuses such a space when the sampler is grid, so only a random
// search sees it.
func (s *Spec) SpaceSize() (int, bool) {
	for i := range s.Search.Space {
		if s.Search.Space[i].continuous() {
			return 0, false
		}
	}
	space, err := s.SearchSpace()
	if err != nil {
		return 0, false
	}
	n, err := space.GridSize()
	if err != nil {
		// Every dimension is finite, so only the size can be the error.
		return math.MaxInt, true
	}
	return n, true
}

// Resolve returns a copy of the spec with the trial's parameters applied to
// the model and data sections. Parameters are applied in space order, so
// that units (written after layers) sets the width of every layer. An
// unknown or mistyped parameter is an error.
func (s *Spec) Resolve(params search.Params) (*Spec, error) {
	r := *s
	r.Model.Layers = append([]int(nil), s.Model.Layers...)
	r.Data.Features = append([]string(nil), s.Data.Features...)
	// Apply in a fixed order: the space's own order first, then any
	// remaining names sorted, so that layers and units compose the same
	// way every time.
	var order []string
	for _, p := range s.Search.Space {
		if _, ok := params[p.Name]; ok {
			order = append(order, p.Name)
		}
	}
	for _, n := range params.Names() {
		if !s.spaceHas(n) {
			order = append(order, n)
		}
	}
	// layers must come before units whatever the file's order.
	for i, n := range order {
		if n == "layers" {
			copy(order[1:i+1], order[:i])
			order[0] = "layers"
		}
	}
	for _, name := range order {
		v := params[name]
		def := paramByName(name)
		if def.name == "" {
			return nil, fmt.Errorf("parameter %q: unknown (known: %s)", name, paramNames())
		}
		if v.Kind != def.kind {
			// A float range over an int parameter, or JSON round
			// trips, may give an integral float: accept it.
			if def.kind == search.KindInt && v.Kind == search.KindFloat && v.Float == math.Trunc(v.Float) {
				v = search.Int(int64(v.Float))
			} else if def.kind == search.KindFloat && v.Kind == search.KindInt {
				v = search.Float(float64(v.Int))
			} else {
				return nil, fmt.Errorf("parameter %s: want a %s, got %s", name, kindName(def.kind), v)
			}
		}
		if msg := checkValue(def, v); msg != "" {
			return nil, fmt.Errorf("parameter %s: %s", name, msg)
		}
		if def.kind == search.KindString && def.allowed != nil {
			if msg := oneOf(v.Str, def.allowed...); msg != "" {
				return nil, fmt.Errorf("parameter %s: %s", name, msg)
			}
		}
		def.apply(&r, v)
	}
	return &r, nil
}

// SearchSpace translates the spec's space into a search.Space, in file
// order. A spec without a space runs as a study of trials that differ only
// in their seeds.
func (s *Spec) SearchSpace() (search.Space, error) {
	var params []search.Param
	for _, p := range s.Search.Space {
		params = append(params, p.searchParam())
	}
	sp, err := search.NewSpace(params...)
	if err != nil {
		return search.Space{}, fmt.Errorf("%s: search.%w", s.File, err)
	}
	return sp, nil
}

func (p *ParamSpec) searchParam() search.Param {
	def := paramByName(p.Name)
	switch {
	case p.Fixed != nil:
		return search.Fixed(p.Name, *p.Fixed)
	case p.Values != nil:
		return search.Categorical(p.Name, p.Values...)
	case def.kind == search.KindInt:
		lo, hi := int64(p.Min), int64(p.Max)
		if p.Count > 0 {
			return search.Categorical(p.Name, intPoints(lo, hi, p.Count, p.Log)...)
		}
		step := int64(p.Step)
		if step < 1 {
			step = 1
		}
		ip := search.IntRange(p.Name, lo, hi, step)
		if p.Log {
			ip = ip.WithLog()
		}
		return ip
	}
	fp := search.FloatRange(p.Name, p.Min, p.Max)
	if p.Log {
		fp = fp.WithLog()
	}
	switch {
	case p.Count > 0:
		fp = fp.WithCount(p.Count)
	case p.Step > 0:
		// Points min, min+step, ...: the same as count evenly spaced
		// points up to the last step within max.
		n := int(math.Floor((p.Max-p.Min)/p.Step+1e-9)) + 1
		fp = search.FloatRange(p.Name, p.Min, p.Min+float64(n-1)*p.Step).WithCount(n)
	}
	return fp
}

// intPoints returns count integers spread evenly (or log-evenly) over
// [lo, hi], without repeats.
func intPoints(lo, hi int64, count int, log bool) []search.Value {
	var out []search.Value
	for i := range count {
		t := 0.0
		if count > 1 {
			t = float64(i) / float64(count-1)
		}
		var f float64
		if log {
			f = math.Exp(math.Log(float64(lo)) + t*(math.Log(float64(hi))-math.Log(float64(lo))))
		} else {
			f = float64(lo) + t*float64(hi-lo)
		}
		v := search.Int(int64(math.Round(f)))
		if len(out) == 0 || out[len(out)-1] != v {
			out = append(out, v)
		}
	}
	return out
}
