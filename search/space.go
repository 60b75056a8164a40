package search

import (
	"fmt"
	"math"
	"strconv"
)

// ParamKind is the closed set of parameter kinds a Space holds.
type ParamKind int

const (
	// ParamCategorical picks one of Param.Choices (strings, numbers or
	// booleans).
	ParamCategorical ParamKind = iota + 1
	// ParamInt is an integer range [IntMin, IntMax] with Step.
	ParamInt
	// ParamFloat is a float range [Min, Max], uniform or log-uniform.
	ParamFloat
	// ParamFixed always takes Param.Value.
	ParamFixed
)

// String returns "categorical", "int", "float" or "fixed".
func (k ParamKind) String() string {
	switch k {
	case ParamCategorical:
		return "categorical"
	case ParamInt:
		return "int"
	case ParamFloat:
		return "float"
	case ParamFixed:
		return "fixed"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Param is one named dimension of a Space: a tagged struct in which only the
// fields of its Kind are meaningful. Build one with Categorical, IntRange,
// FloatRange or Fixed rather than by hand.
type Param struct {
	// Name is the key of the parameter in Params; unique within a Space.
	Name string
	Kind ParamKind

	// Choices are the values of a categorical parameter: at least one, no
	// duplicates, floats finite.
	Choices []Value

	// IntMin, IntMax and Step bound an int range (both ends inclusive);
	// Step ≥ 1, and the grid holds IntMin, IntMin+Step, … ≤ IntMax.
	IntMin, IntMax, Step int64

	// Min and Max bound a float range (both ends inclusive for the grid).
	Min, Max float64

	// Log makes a float range (or an int range with Step 1) sample
	// log-uniformly and place grid points geometrically; it needs Min > 0
	// (IntMin ≥ 1).
	Log bool

	// Count is the number of grid points of a float range, spread evenly
	// (geometrically with Log) from Min to Max inclusive. A grid over a float
	// range needs Count ≥ 2 (or 1 when Min == Max); random sampling draws
	// among the points too. 0 leaves the range continuous. For explicit
	// float values use Categorical instead.
	Count int

	// Value is the value of a fixed parameter.
	Value Value
}

// Categorical returns a parameter that takes one of the given values.
func Categorical(name string, choices ...Value) Param {
	return Param{Name: name, Kind: ParamCategorical, Choices: choices}
}

// IntRange returns an integer parameter over [min, max] in steps of step
// (step ≤ 0 means 1).
func IntRange(name string, min, max, step int64) Param {
	if step <= 0 {
		step = 1
	}
	return Param{Name: name, Kind: ParamInt, IntMin: min, IntMax: max, Step: step}
}

// FloatRange returns a float parameter drawn uniformly from [min, max]. Use
// WithLog for log-uniform and WithCount to make it usable in a grid.
func FloatRange(name string, min, max float64) Param {
	return Param{Name: name, Kind: ParamFloat, Min: min, Max: max}
}

// Fixed returns a parameter that always takes v.
func Fixed(name string, v Value) Param {
	return Param{Name: name, Kind: ParamFixed, Value: v}
}

// WithLog returns p sampled log-uniformly (float ranges, and int ranges with
// step 1).
func (p Param) WithLog() Param { p.Log = true; return p }

// WithCount returns p with n grid points (float ranges).
func (p Param) WithCount(n int) Param { p.Count = n; return p }

// Validate checks the parameter on its own; errors are prefixed with
// "space.<name>".
func (p Param) Validate() error {
	if err := p.validate(); err != nil {
		return fmt.Errorf("space.%s: %w", p.Name, err)
	}
	return nil
}

func (p Param) validate() error {
	if p.Name == "" {
		return fmt.Errorf("name is empty")
	}
	switch p.Kind {
	case ParamCategorical:
		if len(p.Choices) == 0 {
			return fmt.Errorf("categorical parameter needs at least one choice")
		}
		for i, c := range p.Choices {
			if err := checkValue(c); err != nil {
				return fmt.Errorf("choice %d: %w", i, err)
			}
			for j := range i {
				if p.Choices[j] == c {
					return fmt.Errorf("choice %d (%s) repeats choice %d", i, c, j)
				}
			}
		}
	case ParamInt:
		if p.Step < 1 {
			return fmt.Errorf("step must be ≥ 1, got %d", p.Step)
		}
		if p.IntMax < p.IntMin {
			return fmt.Errorf("max must be ≥ min, got min %d, max %d", p.IntMin, p.IntMax)
		}
		if p.Log {
			if p.IntMin < 1 {
				return fmt.Errorf("log scale needs min ≥ 1, got %d", p.IntMin)
			}
			if p.Step != 1 {
				return fmt.Errorf("log scale needs step 1, got %d", p.Step)
			}
		}
		if (p.IntMax-p.IntMin)/p.Step < 0 { // overflow of the difference
			return fmt.Errorf("range [%d, %d] is too wide", p.IntMin, p.IntMax)
		}
	case ParamFloat:
		if !finite(p.Min) || !finite(p.Max) {
			return fmt.Errorf("min and max must be finite, got %v and %v", p.Min, p.Max)
		}
		if p.Max < p.Min {
			return fmt.Errorf("max must be ≥ min, got min %v, max %v", p.Min, p.Max)
		}
		if p.Log && p.Min <= 0 {
			return fmt.Errorf("log scale needs min > 0, got %v", p.Min)
		}
		if p.Count < 0 {
			return fmt.Errorf("count must be ≥ 0, got %d", p.Count)
		}
		if p.Count == 1 && p.Min != p.Max {
			return fmt.Errorf("count 1 needs min == max; use count ≥ 2 or a fixed value")
		}
	case ParamFixed:
		if err := checkValue(p.Value); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown parameter kind %d", int(p.Kind))
	}
	return nil
}

func checkValue(v Value) error {
	switch v.Kind {
	case KindString, KindInt, KindBool:
		return nil
	case KindFloat:
		if !finite(v.Float) {
			return fmt.Errorf("value %v is not finite", v.Float)
		}
		return nil
	}
	return fmt.Errorf("unknown value kind %d", int(v.Kind))
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// Space is an ordered list of parameters. The order is the caller's (the spec
// file's), never map order: it fixes the grid order and the random draws.
type Space struct {
	Params []Param
}

// NewSpace returns a validated space of the given parameters.
func NewSpace(params ...Param) (Space, error) {
	s := Space{Params: params}
	return s, s.Validate()
}

// Validate checks every parameter and that names are unique. Errors name the
// parameter: "space.dropout: max must be ≥ min, …". A space without
// parameters is valid: its one configuration is empty, and its trials differ
// only in their seeds.
func (s Space) Validate() error {
	for i, p := range s.Params {
		if err := p.Validate(); err != nil {
			return err
		}
		for j := range i {
			if s.Params[j].Name == p.Name {
				return fmt.Errorf("space.%s: defined twice (parameters %d and %d)", p.Name, j, i)
			}
		}
	}
	return nil
}

// Param returns the parameter called name.
func (s Space) Param(name string) (Param, bool) {
	for _, p := range s.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// Contains checks that params assigns every parameter of the space a value
// the space can produce, and nothing else; errors name the parameter.
func (s Space) Contains(params Params) error {
	for _, p := range s.Params {
		v, ok := params[p.Name]
		if !ok {
			return fmt.Errorf("space.%s: missing from params", p.Name)
		}
		if !p.contains(v) {
			return fmt.Errorf("space.%s: value %s is outside the %s parameter", p.Name, v, p.Kind)
		}
	}
	if len(params) != len(s.Params) {
		for _, n := range params.Names() {
			if _, ok := s.Param(n); !ok {
				return fmt.Errorf("params.%s: not in the space", n)
			}
		}
	}
	return nil
}

func (p Param) contains(v Value) bool {
	switch p.Kind {
	case ParamCategorical:
		for _, c := range p.Choices {
			if c == v {
				return true
			}
		}
	case ParamInt:
		return v.Kind == KindInt && v.Int >= p.IntMin && v.Int <= p.IntMax && (v.Int-p.IntMin)%p.Step == 0
	case ParamFloat:
		return v.Kind == KindFloat && v.Float >= p.Min && v.Float <= p.Max
	case ParamFixed:
		return v == p.Value
	}
	return false
}

// gridLen returns how many grid values the parameter has.
func (p Param) gridLen() (int, error) {
	switch p.Kind {
	case ParamCategorical:
		return len(p.Choices), nil
	case ParamInt:
		n := uint64(p.IntMax-p.IntMin)/uint64(p.Step) + 1
		if n > math.MaxInt32 {
			return 0, fmt.Errorf("space.%s: %d grid values are too many", p.Name, n)
		}
		return int(n), nil
	case ParamFloat:
		if p.Count == 0 {
			if p.Min == p.Max {
				return 1, nil
			}
			return 0, fmt.Errorf("space.%s: a grid over a float range needs a count or explicit values", p.Name)
		}
		return p.Count, nil
	case ParamFixed:
		return 1, nil
	}
	return 0, fmt.Errorf("space.%s: unknown parameter kind %d", p.Name, int(p.Kind))
}

// gridValue returns the i-th grid value of the parameter, 0 ≤ i < gridLen.
func (p Param) gridValue(i int) Value {
	switch p.Kind {
	case ParamCategorical:
		return p.Choices[i]
	case ParamInt:
		return Int(p.IntMin + int64(i)*p.Step)
	case ParamFloat:
		n := max(p.Count, 1)
		if i == 0 || n == 1 {
			return Float(p.Min)
		}
		if i == n-1 {
			return Float(p.Max)
		}
		t := float64(i) / float64(n-1)
		var f float64
		if p.Log {
			f = math.Exp(math.Log(p.Min) + t*(math.Log(p.Max)-math.Log(p.Min)))
		} else {
			f = p.Min + t*(p.Max-p.Min)
		}
		return Float(round12(f))
	}
	return p.Value
}

// round12 rounds f to 12 significant digits, so that grid points read as a
// user would write them (0.01, not 0.010000000000000002).
func round12(f float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 12, 64), 64)
	if err != nil {
		return f
	}
	return r
}

// GridSize returns the number of points of the Cartesian product of the
// space, or an error naming a parameter that cannot be gridded (a float range
// without a count) or a product that does not fit in an int.
func (s Space) GridSize() (int, error) {
	size := 1
	for _, p := range s.Params {
		n, err := p.gridLen()
		if err != nil {
			return 0, err
		}
		if n > 0 && size > math.MaxInt32/n {
			return 0, fmt.Errorf("space: grid has more than %d points", math.MaxInt32)
		}
		size *= n
	}
	return size, nil
}
