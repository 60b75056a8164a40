package sweepcli

import (
	"context"
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

// maxWhereQueries bounds the leaderboard queries one --where set expands
// to (see resolveWhere).
const maxWhereQueries = 64

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

// paramValues returns the values of parameter p of study s that the --where
// value text selects, and whether text can be a value of p at all. A float
// range's values, for a value of up to 4 significant digits, are those its
// trials hold (see floatMatches); the others' come from the spec.
func paramValues(ctx context.Context, st store, s search.Study, p search.Param, text string) ([]search.Value, bool, error) {
	switch p.Kind {
	case search.ParamCategorical, search.ParamFixed:
		choices := p.Choices
		if p.Kind == search.ParamFixed {
			choices = []search.Value{p.Value}
		}
		var out []search.Value
		for _, c := range choices {
			if valueMatches(c, text) {
				out = append(out, c)
			}
		}
		return out, len(out) > 0, nil
	case search.ParamInt:
		v, ok := parseDecimal(text)
		if !ok || v != math.Trunc(v) || v < float64(p.IntMin) || v > float64(p.IntMax) {
			return nil, false, nil
		}
		n := int64(v)
		if (n-p.IntMin)%p.Step != 0 {
			return nil, false, nil
		}
		return []search.Value{search.Int(n)}, true, nil
	case search.ParamFloat:
		if !inRange(text, p.Min, p.Max) {
			return nil, false, nil
		}
		if v, _ := parseDecimal(text); sigDigits(text) > displayDigits {
			return []search.Value{search.Float(v)}, true, nil // exactly: the store compares it
		}
		trials, err := st.Trials(ctx, s.ID)
		if err != nil {
			return nil, false, err
		}
		var out []search.Value
		for _, t := range trials {
			pv, ok := t.Params[p.Name]
			x, isNum := pv.AsFloat()
			if ok && isNum && floatMatches(x, text) && !slices.Contains(out, pv) {
				out = append(out, pv)
			}
		}
		return out, true, nil
	}
	return nil, false, nil
}

// resolveWhere checks the --where arguments against the spaces of the
// studies in scope (the one named, or all) and turns them into leaderboard
// filters. A parameter no study has, or a value that cannot be one of the
// parameter's (units=abc, sampling=bogus, dropout=0.7 for a range up to
// 0.5), is a usage error saying what the parameter takes, where the store
// would answer with an empty leaderboard. A value selects every stored
// value it matches (a float as floatMatches reads it), so the filters come
// as sets: the leaderboard is the union of one query per set. A study
// whose stored spec does not parse (written by another version) disables
// the checks: the values are then read as guessValue reads them.
func resolveWhere(ctx context.Context, st store, study string, args []whereArg) ([][]tracker.ParamFilter, error) {
	if len(args) == 0 {
		return [][]tracker.ParamFilter{nil}, nil
	}
	guessed := func() [][]tracker.ParamFilter {
		fs := make([]tracker.ParamFilter, len(args))
		for i, a := range args {
			fs[i] = tracker.ParamFilter{Name: a.name, Value: guessValue(a.text)}
		}
		return [][]tracker.ParamFilter{fs}
	}
	list, err := st.Studies(ctx)
	if err != nil {
		return nil, err
	}
	var scope []scopedStudy
	for _, s := range list {
		if study != "" && s.Study.Name != study {
			continue
		}
		spec, err := experiments.StoredSpec(s.Study, ".")
		if err != nil {
			return guessed(), nil
		}
		space, err := spec.SearchSpace()
		if err != nil {
			return guessed(), nil
		}
		ss := scopedStudy{study: s.Study, params: map[string]search.Param{}}
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
	values := make([][]search.Value, len(args))
	for i, a := range args {
		var takes, studies []string
		accepted := false
		for _, s := range scope {
			p, ok := s.params[a.name]
			if !ok {
				continue
			}
			vs, ok, err := paramValues(ctx, st, s.study, p, a.text)
			if err != nil {
				return nil, err
			}
			if !ok {
				takes, studies = append(takes, describeParam(p)), append(studies, s.study.Name)
				continue
			}
			accepted = true
			for _, v := range vs {
				if !slices.Contains(values[i], v) {
					values[i] = append(values[i], v)
				}
			}
		}
		switch {
		case accepted:
		case len(takes) == 1:
			return nil, usagef("leaderboard: --where %s: %s takes %s, got %q", a, a.name, takes[0], a.text)
		default:
			for j := range takes {
				takes[j] += " in study " + studies[j]
			}
			return nil, usagef("leaderboard: --where %s: %s takes %s, got %q", a, a.name, strings.Join(takes, "; "), a.text)
		}
	}
	// One query per combination of the values each argument selects.
	sets := [][]tracker.ParamFilter{nil}
	for i, a := range args {
		if len(sets)*len(values[i]) > maxWhereQueries {
			return nil, usagef("leaderboard: --where %s matches %d recorded values, too many with the other filters; give more digits", a, len(values[i]))
		}
		var next [][]tracker.ParamFilter
		for _, set := range sets {
			for _, v := range values[i] {
				next = append(next, append(slices.Clone(set), tracker.ParamFilter{Name: a.name, Value: v}))
			}
		}
		sets = next
	}
	return sets, nil
}

// leaderboardUnion runs the leaderboard once per filter set and merges the
// entries in the leaderboard's order (see tracker.Entry), keeping the first
// q.Limit.
func leaderboardUnion(ctx context.Context, st store, q tracker.LeaderboardQuery, sets [][]tracker.ParamFilter) ([]tracker.Entry, error) {
	if len(sets) == 1 {
		q.Where = sets[0]
		return st.Leaderboard(ctx, q)
	}
	var entries []tracker.Entry
	for _, set := range sets {
		q.Where = set
		es, err := st.Leaderboard(ctx, q)
		if err != nil {
			return nil, err
		}
		entries = append(entries, es...)
	}
	if len(entries) == 0 {
		return entries, nil
	}
	var study *search.Study
	if q.Study != "" {
		s, err := st.StudyByName(ctx, q.Study)
		if err != nil {
			return nil, err
		}
		study = &s
	}
	plan, err := q.Plan(study)
	if err != nil {
		return nil, err
	}
	key := func(e tracker.Entry) rankKey {
		return rankKey{value: e.Value, valLoss: valueOr(e.Metrics, "val_loss"), id: e.TrialID}
	}
	slices.SortFunc(entries, func(a, b tracker.Entry) int { return compareRank(plan.Direction, key(a), key(b)) })
	entries = slices.CompactFunc(entries, func(a, b tracker.Entry) bool { return a.TrialID == b.TrialID })
	return entries[:min(len(entries), plan.Limit)], nil
}
