package sweepcli

import (
	"context"
	"errors"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sweep-ml/sweep/experiments"
	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
)

// whereArg is one --where PARAM=VALUE as given.
type whereArg struct{ name, text string }

func (a whereArg) String() string { return a.name + "=" + a.text }

// parseWhere parses "name=value".
func parseWhere(s string) (whereArg, error) {
	name, val, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return whereArg{}, usagef("leaderboard: --where wants PARAM=VALUE, got %q", s)
	}
	return whereArg{name: name, text: strings.TrimSpace(val)}, nil
}

// guessValue reads a --where value where no spec says what the parameter
// is: a bool, an int, a float or else a string.
func guessValue(text string) search.Value {
	if text == "true" || text == "false" {
		return search.Bool(text == "true")
	}
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return search.Int(i)
	}
	if f, ok := parseDecimal(text); ok {
		return search.Float(f)
	}
	return search.String(text)
}

// displayDigits is the number of significant digits the tables show of a
// float parameter (fmtParams).
const displayDigits = 4

// decimalSyntax is a decimal number as the tables print one: no hex, no
// underscores, no Inf or NaN.
var decimalSyntax = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// parseDecimal parses a finite decimal number.
func parseDecimal(text string) (float64, bool) {
	if !decimalSyntax.MatchString(text) {
		return 0, false
	}
	f, err := strconv.ParseFloat(text, 64)
	return f, err == nil && !math.IsInf(f, 0)
}

// sigDigits returns the number of significant digits of a decimal number
// as written: "0.001891" has 4, "0.0010" 2, "1.50e-3" 3, "0" 1.
func sigDigits(text string) int {
	mant, _, _ := strings.Cut(strings.ToLower(strings.TrimLeft(text, "+-")), "e")
	digits := strings.TrimLeft(strings.ReplaceAll(mant, ".", ""), "0")
	return max(len(digits), 1)
}

// roundSig rounds x to n significant decimal digits.
func roundSig(x float64, n int) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'e', n-1, 64), 64)
	return r
}

// floatMatches reports whether a stored float x matches the --where value
// text. A value of up to 4 significant digits, as the tables show floats,
// matches every x that rounds to it at 4 digits: learning_rate=0.001891
// matches the trials the table showed it for (0.0018911619288437792), and
// dropout=0.1 matches what the table shows as 0.1 but not 0.12. A value of
// more digits, as show and export print them, matches x exactly.
func floatMatches(x float64, text string) bool {
	v, ok := parseDecimal(text)
	if !ok {
		return false
	}
	if sigDigits(text) > displayDigits {
		return x == v
	}
	return roundSig(x, displayDigits) == roundSig(v, displayDigits)
}

// inRange reports whether the --where value text can be a value of the
// float range [lo, hi]: the value, or with up to 4 significant digits, a
// value of the range rounded to 4 digits (see floatMatches).
func inRange(text string, lo, hi float64) bool {
	v, ok := parseDecimal(text)
	if !ok {
		return false
	}
	if sigDigits(text) > displayDigits {
		return lo <= v && v <= hi
	}
	return roundSig(lo, displayDigits) <= v && v <= roundSig(hi, displayDigits)
}

// valueMatches reports whether a choice of a categorical (or the value of a
// fixed) parameter matches the --where value text: strings exactly, bools
// as true or false, ints numerically (64 and 64.0), floats as floatMatches.
func valueMatches(c search.Value, text string) bool {
	switch c.Kind {
	case search.KindString:
		return c.Str == text
	case search.KindBool:
		return strings.EqualFold(text, strconv.FormatBool(c.Bool))
	case search.KindInt:
		v, ok := parseDecimal(text)
		return ok && v == float64(c.Int)
	case search.KindFloat:
		return floatMatches(c.Float, text)
	}
	return false
}

// describeParam says which values a parameter takes, for errors.
func describeParam(p search.Param) string {
	switch p.Kind {
	case search.ParamCategorical:
		names := make([]string, len(p.Choices))
		for i, c := range p.Choices {
			names[i] = c.String()
		}
		return "one of " + strings.Join(names, ", ")
	case search.ParamFixed:
		return "only " + p.Value.String()
	case search.ParamInt:
		s := "a whole number from " + strconv.FormatInt(p.IntMin, 10) + " to " + strconv.FormatInt(p.IntMax, 10)
		if p.Step > 1 {
			s += " in steps of " + strconv.FormatInt(p.Step, 10)
		}
		return s
	case search.ParamFloat:
		return "a number from " + strconv.FormatFloat(p.Min, 'g', -1, 64) + " to " + strconv.FormatFloat(p.Max, 'g', -1, 64)
	}
	return p.Kind.String()
}

// scopedStudy is a study the leaderboard ranks, with its search space by
// parameter name.
type scopedStudy struct {
	study  search.Study
	params map[string]search.Param
	names  []string // sorted
}

// paramFilter returns the filter that selects the values of parameter p
// the --where value text matches, and whether text can be a value of p at
// all. A float of up to 4 significant digits (as the tables show floats)
// becomes the range of floats that round to it (floatRange); any other
// value is compared as it is.
func paramFilter(p search.Param, text string) (tracker.ParamFilter, bool) {
	f := tracker.ParamFilter{Name: p.Name}
	v, isDecimal := parseDecimal(text)
	shown := isDecimal && sigDigits(text) <= displayDigits
	switch p.Kind {
	case search.ParamCategorical, search.ParamFixed:
		choices := p.Choices
		if p.Kind == search.ParamFixed {
			choices = []search.Value{p.Value}
		}
		var matched []search.Value
		for _, c := range choices {
			if valueMatches(c, text) {
				matched = append(matched, c)
			}
		}
		if len(matched) == 0 {
			return f, false
		}
		if shown && slices.ContainsFunc(matched, func(c search.Value) bool { return c.Kind == search.KindFloat }) {
			f.Range = floatRange(v)
			return f, true
		}
		// The choices text matches are one string, one bool, or
		// numbers equal to text.
		f.Value = matched[0]
		return f, true
	case search.ParamInt:
		if !isDecimal || v != math.Trunc(v) || v < float64(p.IntMin) || v > float64(p.IntMax) {
			return f, false
		}
		n := int64(v)
		if (n-p.IntMin)%p.Step != 0 {
			return f, false
		}
		f.Value = search.Int(n)
		return f, true
	case search.ParamFloat:
		if !inRange(text, p.Min, p.Max) {
			return f, false
		}
		if shown {
			f.Range = floatRange(v)
		} else {
			f.Value = search.Float(v)
		}
		return f, true
	}
	return f, false
}

// floatRange returns the floats x that round to v at displayDigits
// significant digits, as floatMatches compares them: since rounding is
// monotone they form one interval, whose ends are found by bisection over
// the float64s in order. The interval need not be centred on v: 10 keeps
// [9.9995, 10.005).
func floatRange(v float64) *tracker.NumberRange {
	r := roundSig(v, displayDigits)
	lo := firstTrue(orderedKey(math.Inf(-1)), orderedKey(v), func(k int64) bool { return roundSig(fromKey(k), displayDigits) >= r })
	above := firstTrue(orderedKey(v), orderedKey(math.Inf(1)), func(k int64) bool { return roundSig(fromKey(k), displayDigits) > r })
	return &tracker.NumberRange{Min: fromKey(lo), Max: fromKey(above - 1)}
}

// orderedKey maps a float64 (not NaN) to an integer that orders as the
// floats do, with adjacent floats on adjacent integers; -0 and 0 share 0.
func orderedKey(x float64) int64 {
	b := math.Float64bits(x)
	if b>>63 == 1 {
		return -int64(b &^ (1 << 63))
	}
	return int64(b)
}

// fromKey is the inverse of orderedKey.
func fromKey(k int64) float64 {
	if k < 0 {
		return -math.Float64frombits(uint64(-k))
	}
	return math.Float64frombits(uint64(k))
}

// firstTrue returns the smallest k in [a, b] for which pred holds, given
// that pred(b) holds and pred is false then true over [a, b].
func firstTrue(a, b int64, pred func(int64) bool) int64 {
	for a < b {
		// b-a may exceed the int64 range; as a uint64 it does not.
		m := a + int64(uint64(b-a)/2)
		if pred(m) {
			b = m
		} else {
			a = m + 1
		}
	}
	return a
}

// mergeFilters returns the one filter that selects what both a and b
// select, which come from the same --where value in two studies, and false
// when no filter does: a number in one and a string or bool in the other.
// Numbers that match the same value are equal, or within its range.
func mergeFilters(a, b tracker.ParamFilter) (tracker.ParamFilter, bool) {
	switch {
	case a.Range != nil:
		return a, b.Range != nil || isNumber(b.Value)
	case b.Range != nil:
		return b, isNumber(a.Value)
	case isNumber(a.Value) && isNumber(b.Value):
		return a, true
	}
	return a, a.Value == b.Value
}

func isNumber(v search.Value) bool { return v.Kind == search.KindInt || v.Kind == search.KindFloat }

// kindOf names what a filter selects, for errors.
func kindOf(f tracker.ParamFilter) string {
	switch {
	case f.Range != nil || isNumber(f.Value):
		return "a number"
	case f.Value.Kind == search.KindBool:
		return "a bool"
	}
	return "a string"
}

// studiesInScope returns the study named, or every study when name is
// empty; none when the named study does not exist. A named study is looked
// up alone: the study list counts every study's trials.
func studiesInScope(ctx context.Context, st store, name string) ([]search.Study, error) {
	if name != "" {
		s, err := st.StudyByName(ctx, name)
		switch {
		case errors.Is(err, search.ErrNotFound):
			return nil, nil
		case err != nil:
			return nil, err
		}
		return []search.Study{s}, nil
	}
	list, err := st.Studies(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]search.Study, len(list))
	for i, s := range list {
		out[i] = s.Study
	}
	return out, nil
}

// resolveWhere checks the --where arguments against the spaces of the
// studies in scope (the one named, or all) and turns each into one
// leaderboard filter. A parameter no study has, or a value that cannot be
// one of the parameter's (units=abc, sampling=bogus, dropout=0.7 for a
// range up to 0.5), is a usage error saying what the parameter takes,
// where the store would answer with an empty leaderboard. A float as the
// tables show it selects every value that rounds to it (floatMatches) as
// a range. A study whose stored spec does not parse (written by another
// version) disables the checks: the values are then read as guessValue
// reads them, a float of up to 4 significant digits as its range.
func resolveWhere(ctx context.Context, st store, study string, args []whereArg) ([]tracker.ParamFilter, error) {
	if len(args) == 0 {
		return nil, nil
	}
	guessed := func() []tracker.ParamFilter {
		fs := make([]tracker.ParamFilter, len(args))
		for i, a := range args {
			v := guessValue(a.text)
			fs[i] = tracker.ParamFilter{Name: a.name, Value: v}
			if v.Kind == search.KindFloat && sigDigits(a.text) <= displayDigits {
				fs[i] = tracker.ParamFilter{Name: a.name, Range: floatRange(v.Float)}
			}
		}
		return fs
	}
	list, err := studiesInScope(ctx, st, study)
	if err != nil {
		return nil, err
	}
	var scope []scopedStudy
	for _, s := range list {
		spec, err := experiments.StoredSpec(s, ".")
		if err != nil {
			return guessed(), nil
		}
		space, err := spec.SearchSpace()
		if err != nil {
			return guessed(), nil
		}
		ss := scopedStudy{study: s, params: map[string]search.Param{}}
		for _, p := range space.Params {
			ss.params[p.Name] = p
			ss.names = append(ss.names, p.Name)
		}
		slices.Sort(ss.names)
		scope = append(scope, ss)
	}
	if len(scope) == 0 {
		return guessed(), nil // no such study: the leaderboard says so
	}
	for _, a := range args {
		if slices.ContainsFunc(scope, func(s scopedStudy) bool { _, ok := s.params[a.name]; return ok }) {
			continue
		}
		if study != "" {
			return nil, usagef("leaderboard: --where %s: study %s has no parameter %q; its parameters are %s", a.name, study, a.name, strings.Join(scope[0].names, ", "))
		}
		perStudy := make([]string, len(scope))
		for j, s := range scope {
			perStudy[j] = s.study.Name + ": " + strings.Join(s.names, ", ")
		}
		return nil, usagef("leaderboard: --where %s: no study has a parameter %q; the parameters are %s", a.name, a.name, strings.Join(perStudy, "; "))
	}
	filters := make([]tracker.ParamFilter, len(args))
	for i, a := range args {
		var takes, studies []string
		var first string // the study filters[i] first came from
		for _, s := range scope {
			p, ok := s.params[a.name]
			if !ok {
				continue
			}
			f, ok := paramFilter(p, a.text)
			switch {
			case !ok:
				takes, studies = append(takes, describeParam(p)), append(studies, s.study.Name)
				continue
			case first == "":
				filters[i], first = f, s.study.Name
				continue
			}
			merged, ok := mergeFilters(filters[i], f)
			if !ok {
				return nil, usagef("leaderboard: --where %s: %s is %s in study %s but %s in study %s; name one with --study",
					a, a.text, kindOf(filters[i]), first, kindOf(f), s.study.Name)
			}
			filters[i] = merged
		}
		switch {
		case first != "":
		case len(takes) == 1:
			return nil, usagef("leaderboard: --where %s: %s takes %s, got %q", a, a.name, takes[0], a.text)
		default:
			for j := range takes {
				takes[j] += " in study " + studies[j]
			}
			return nil, usagef("leaderboard: --where %s: %s takes %s, got %q", a, a.name, strings.Join(takes, "; "), a.text)
		}
	}
	return filters, nil
}
