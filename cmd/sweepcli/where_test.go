package sweepcli

import (
	"cmp"
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
)

func TestFloatMatches(t *testing.T) {
	t.Parallel()
	const lr = 0.0018911619288437792
	tests := []struct {
		x    float64
		text string
		want bool
	}{
		{lr, "0.001891", true}, // as the table shows it (4 significant digits)
		{lr, "1.891e-03", true},
		{lr, "0.0018912", false},             // 5 digits, more than the table shows: exactly
		{lr, "0.00189116192884", false},      // 15 digits
		{lr, "0.0018911619288437792", true},  // every digit, as show and export print it
		{lr, "0.00189", false},               // truncated, not rounded: the table never shows it so
		{lr, "0.001892", false},              // another value
		{lr, "0.0018911619288437793", false}, // every digit of another float64
		{0.12, "0.1", false},                 // the table shows 0.12
		{0.1000004, "0.1", true},             // the table shows 0.1
		{0.1, "0.1", true},
		{0.1, "0.1000", true},
		{0.1, "0.10000", true},
		{0.1000004, "0.10000", false},
		{0.000630387309614593, "0.000630387309614593", true},
		{0.0006303873096145931, "0.000630387309614593", false}, // the next float64 up
		{12345.678, "1.235e+04", true},
		{1.2345e-5, "1.234e-05", true}, // 1.2345e-5 is just below 1.2345e-5 in binary
		{0, "0", true},
		{0, "-0", true},
		{-0.25, "-0.25", true},
		{0.5, "abc", false},
		{0.5, "0x1p-1", false},
		{0.5, "", false},
	}
	for _, tc := range tests {
		if got := floatMatches(tc.x, tc.text); got != tc.want {
			t.Errorf("floatMatches(%v, %q) = %v, want %v", tc.x, tc.text, got, tc.want)
		}
	}
}

func TestFloatRange(t *testing.T) {
	t.Parallel()
	// Each end is the float64 nearest the half-way decimal (v ± half a
	// unit of the 4th digit), or its neighbour towards v where that float
	// lies beyond the half-way point and so rounds away: 0.19995 is
	// 0.1999499999... in binary and shows as 0.1999.
	tests := []struct {
		v      float64
		lo, hi float64
	}{
		{0.2, math.Nextafter(0.19995, 1), math.Nextafter(0.20005, 0)},
		{10, math.Nextafter(9.9995, 10), math.Nextafter(10.005, 0)}, // a decade edge: twice as wide above
		{0.001891, 0.0018905, 0.0018915},                            // learning_rate as the table shows it
		{-0.25, -0.25005, -0.24995},
		{0, 0, 0},                     // 0 shows as 0 alone
		{1e-320, 1e-320, 1.0005e-320}, // subnormal: the unit is two float64 steps
	}
	for _, tc := range tests {
		r := floatRange(tc.v)
		if r.Min != tc.lo || r.Max != tc.hi {
			t.Errorf("floatRange(%v) = [%v, %v], want [%v, %v]", tc.v, r.Min, r.Max, tc.lo, tc.hi)
		}
		text := strconv.FormatFloat(tc.v, 'g', displayDigits, 64)
		below, above := math.Nextafter(r.Min, math.Inf(-1)), math.Nextafter(r.Max, math.Inf(1))
		if !floatMatches(r.Min, text) || !floatMatches(r.Max, text) || floatMatches(below, text) || floatMatches(above, text) {
			t.Errorf("floatRange(%v) = [%v, %v]: %q matches %v, %v inside and %v, %v outside", tc.v, r.Min, r.Max, text,
				floatMatches(r.Min, text), floatMatches(r.Max, text), floatMatches(below, text), floatMatches(above, text))
		}
	}
}

func TestSigDigits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want int
	}{
		{"0.001891", 4}, {"0.0010", 2}, {"1.50e-3", 3}, {"1.891e-03", 4}, {"-12.5", 3}, {"0", 1}, {".5", 1}, {"100", 3},
	}
	for _, tc := range tests {
		if got := sigDigits(tc.text); got != tc.want {
			t.Errorf("sigDigits(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
}

// whereStore is a store holding one study whose leaderboard applies the
// filters as the real stores do: a range to numbers, a value exactly, ints
// and floats numerically. It has no Trials: resolving --where must not
// read the trials.
type whereStore struct {
	store
	study  search.Study
	trials []search.Trial
}

func (s *whereStore) Studies(context.Context) ([]tracker.StudySummary, error) {
	return []tracker.StudySummary{{Study: s.study}}, nil
}

func (s *whereStore) StudyByName(_ context.Context, name string) (search.Study, error) {
	if name != s.study.Name {
		return search.Study{}, search.ErrNotFound
	}
	return s.study, nil
}

func (s *whereStore) Leaderboard(_ context.Context, q tracker.LeaderboardQuery) ([]tracker.Entry, error) {
	if _, err := q.Plan(&s.study); err != nil {
		return nil, err
	}
	holds := func(p search.Params, f tracker.ParamFilter) bool {
		v, ok := p[f.Name]
		x, isNum := v.AsFloat()
		switch {
		case !ok:
			return false
		case f.Range != nil:
			return isNum && f.Range.Min <= x && x <= f.Range.Max
		case isNumber(f.Value):
			y, _ := f.Value.AsFloat()
			return isNum && x == y
		}
		return v == f.Value
	}
	var out []tracker.Entry
	for _, t := range s.trials {
		if !slices.ContainsFunc(q.Where, func(f tracker.ParamFilter) bool { return !holds(t.Params, f) }) {
			out = append(out, tracker.Entry{TrialID: t.ID, Study: s.study.Name, Value: t.Result.Value, Params: t.Params})
		}
	}
	slices.SortFunc(out, func(a, b tracker.Entry) int { return cmp.Compare(b.Value, a.Value) })
	return out[:min(len(out), q.Limit)], nil
}

// TestWhereDisplayedFloat checks that a float copied from the table selects
// every trial it was shown for, where several recorded values display
// alike, with one filter per --where.
func TestWhereDisplayedFloat(t *testing.T) {
	t.Parallel()
	spec := "data: {path: x.csv}\nsearch:\n  space:\n    learning_rate: {min: 0.001, max: 0.01, log: true}\n    units: {values: [8, 16]}\n"
	trial := func(id int64, lr float64, units int64, value float64) search.Trial {
		return search.Trial{ID: id, Status: search.StatusComplete, Params: search.Params{"learning_rate": search.Float(lr), "units": search.Int(units)},
			Result: &search.Result{Value: value}}
	}
	st := &whereStore{study: search.Study{ID: 1, Name: "s", Spec: []byte(spec), Direction: search.Maximize}, trials: []search.Trial{
		trial(1, 0.0012340123, 8, 0.5),
		trial(2, 0.0012344999, 16, 0.75),
		trial(3, 0.0012345001, 8, 0.9), // shown as 0.001235
		trial(4, 0.0012339999, 16, 0.6),
		trial(5, 0.001234, 8, 0.25),
	}}
	tests := []struct {
		where []string
		limit int
		want  []int64
	}{
		{[]string{"learning_rate=0.001234"}, 10, []int64{2, 4, 1, 5}},
		{[]string{"learning_rate=0.001234"}, 2, []int64{2, 4}},
		{[]string{"learning_rate=0.001234", "units=8"}, 10, []int64{1, 5}},
		{[]string{"learning_rate=0.001235"}, 10, []int64{3}},
		{[]string{"learning_rate=0.0012340123"}, 10, []int64{1}},
		{[]string{"learning_rate=0.001234000"}, 10, []int64{5}},     // 7 digits: exactly
		{[]string{"learning_rate=0.0012340000000"}, 10, []int64{5}}, // 14 digits
		{[]string{"learning_rate=0.005"}, 10, nil},                  // in the range, but no trial has it
	}
	for _, tc := range tests {
		var args []whereArg
		for _, w := range tc.where {
			a, err := parseWhere(w)
			if err != nil {
				t.Fatal(err)
			}
			args = append(args, a)
		}
		where, err := resolveWhere(context.Background(), st, "s", args)
		if err != nil {
			t.Fatalf("%q: %v", tc.where, err)
		}
		if len(where) != len(args) {
			t.Errorf("--where %q: %d filters, want one each", tc.where, len(where))
		}
		entries, err := st.Leaderboard(context.Background(), tracker.LeaderboardQuery{Study: "s", Limit: tc.limit, Where: where})
		if err != nil {
			t.Fatalf("%q: %v", tc.where, err)
		}
		var got []int64
		for _, e := range entries {
			got = append(got, e.TrialID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("--where %q -n %d: trials %v, want %v", tc.where, tc.limit, got, tc.want)
		}
	}
}

// TestWhereWithoutSpec checks that where the stored spec does not parse
// the values are guessed, a float as the table shows it still as a range.
func TestWhereWithoutSpec(t *testing.T) {
	t.Parallel()
	st := &whereStore{study: search.Study{ID: 1, Name: "s", Spec: []byte("search: [not a spec"), Direction: search.Maximize}}
	tests := []struct {
		where string
		want  tracker.ParamFilter
	}{
		{"lr=0.001234", tracker.ParamFilter{Name: "lr", Range: floatRange(0.001234)}},
		{"lr=0.0012340123", tracker.ParamFilter{Name: "lr", Value: search.Float(0.0012340123)}},
		{"units=8", tracker.ParamFilter{Name: "units", Value: search.Int(8)}},
		{"opt=adam", tracker.ParamFilter{Name: "opt", Value: search.String("adam")}},
	}
	for _, tc := range tests {
		a, err := parseWhere(tc.where)
		if err != nil {
			t.Fatal(err)
		}
		got, err := resolveWhere(context.Background(), st, "", []whereArg{a})
		if err != nil || len(got) != 1 || got[0].Name != tc.want.Name || got[0].Value != tc.want.Value ||
			(got[0].Range == nil) != (tc.want.Range == nil) || got[0].Range != nil && *got[0].Range != *tc.want.Range {
			t.Errorf("--where %s: %+v, %v; want %+v", tc.where, got, err, tc.want)
		}
	}
}

// TestWhereBadValue checks that a --where value that cannot be a value of
// the parameter is a usage error saying what the parameter takes, not an
// empty leaderboard.
func TestWhereBadValue(t *testing.T) {
	env := Env{DB: filepath.Join(t.TempDir(), "s.db")}
	if r := sweep(t, env, "run", quickstart, "--trials", "1", "--study", "q"); r.code != 0 {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	tests := []struct {
		where string
		code  int
		want  string
	}{
		{"units=abc", ExitUsage, `sweep: leaderboard: --where units=abc: units takes one of 16, 32, 64, got "abc"`},
		{"units=48", ExitUsage, `sweep: leaderboard: --where units=48: units takes one of 16, 32, 64, got "48"`},
		{"sampling=bogus", ExitUsage, `sweep: leaderboard: --where sampling=bogus: sampling takes one of none, oversample, undersample, class_weight, got "bogus"`},
		{"sampling=None", ExitUsage, `sweep: leaderboard: --where sampling=None: sampling takes one of none, oversample, undersample, class_weight, got "None"`},
		{"dropout=abc", ExitUsage, `sweep: leaderboard: --where dropout=abc: dropout takes a number from 0 to 0.5, got "abc"`},
		{"dropout=0.7", ExitUsage, `sweep: leaderboard: --where dropout=0.7: dropout takes a number from 0 to 0.5, got "0.7"`},
		{"learning_rate=", ExitUsage, `sweep: leaderboard: --where learning_rate=: learning_rate takes a number from 0.0003 to 0.005, got ""`},
		{"units=64.0", ExitOK, ""},
		{"dropout=0.25", ExitOK, ""},
		{"sampling=none", ExitOK, ""},
	}
	for _, tc := range tests {
		for _, study := range [][]string{{"--study", "q"}, nil} {
			r := sweep(t, env, append([]string{"leaderboard", "--where", tc.where}, study...)...)
			if first, _, _ := strings.Cut(r.stderr, "\n"); r.code != tc.code || first != tc.want {
				t.Errorf("leaderboard --where %s %q: exit %d, stderr %q; want exit %d, %q", tc.where, study, r.code, r.stderr, tc.code, tc.want)
			}
		}
	}
}

// FuzzFloatMatches checks that a float parameter matches its own value as
// the table prints it (fmtParams) and as show and export print it (every
// digit), and that every digit, when more than the table shows, matches no
// other float.
func FuzzFloatMatches(f *testing.F) {
	f.Add(0.0018911619288437792, 0.0018911619288437793)
	f.Add(0.1, 0.12)
	f.Add(0.000630387309614593, 0.0006303873096145931)
	f.Add(12345.678, math.Copysign(0, -1))
	f.Add(1e-300, 5e-324)
	f.Fuzz(func(t *testing.T, x, y float64) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		_, shown, _ := strings.Cut(fmtParams(search.Params{"p": search.Float(x)}), "=")
		if !floatMatches(x, shown) {
			t.Errorf("%v does not match %q, as the table shows it", x, shown)
		}
		full := strconv.FormatFloat(x, 'g', -1, 64)
		if !floatMatches(x, full) {
			t.Errorf("%v does not match %q, every digit of it", x, full)
		}
		if y != x && sigDigits(full) > displayDigits && floatMatches(y, full) {
			t.Errorf("%v matches %q, every digit of %v", y, full, x)
		}
	})
}

// FuzzFloatRange checks that the range a float --where value becomes holds
// exactly the floats floatMatches matches with it: x, and the floats at and
// just beyond both ends.
func FuzzFloatRange(f *testing.F) {
	f.Add(0.2, 0.19995, uint8(3))
	f.Add(10.0, 10.004999999999999, uint8(7))
	f.Add(0.0018911619288437792, 0.001891, uint8(3))
	f.Add(-0.25, -0.2499, uint8(1))
	f.Add(0.0, math.Copysign(0, -1), uint8(0))
	f.Add(1e-320, 5e-324, uint8(2))
	f.Add(1.7976e308, math.MaxFloat64, uint8(3))
	f.Fuzz(func(t *testing.T, v, x float64, digits uint8) {
		format := byte('g')
		if digits&4 != 0 {
			format = 'e' // keeps trailing zeros: 2.000e-01
		}
		text := strconv.FormatFloat(v, format, int(digits%displayDigits), 64)
		parsed, ok := parseDecimal(text)
		if !ok || sigDigits(text) > displayDigits || math.IsNaN(x) {
			return
		}
		r := floatRange(parsed)
		if math.IsInf(r.Min, 0) || math.IsInf(r.Max, 0) || r.Min > r.Max {
			t.Fatalf("%q: range [%v, %v]", text, r.Min, r.Max)
		}
		below, above := math.Nextafter(r.Min, math.Inf(-1)), math.Nextafter(r.Max, math.Inf(1))
		for _, y := range []float64{x, r.Min, r.Max, below, above} {
			if in := r.Min <= y && y <= r.Max; in != floatMatches(y, text) {
				t.Errorf("%q: %v in [%v, %v] is %v, floatMatches %v", text, y, r.Min, r.Max, in, !in)
			}
		}
	})
}

// TestWhereNoMatch checks that a leaderboard that --where leaves empty
// says which filters matched nothing.
func TestWhereNoMatch(t *testing.T) {
	env := Env{DB: filepath.Join(t.TempDir(), "s.db")}
	if r := sweep(t, env, "run", quickstart, "--trials", "1", "--study", "q"); r.code != 0 {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := sweep(t, env, "leaderboard", "--study", "q", "--format", "json")
	var entries []struct{ Params search.Params }
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil || len(entries) != 1 {
		t.Fatalf("leaderboard: %v\n%s%s", err, r.stdout, r.stderr)
	}
	other := "16"
	if entries[0].Params["units"] == search.Int(16) {
		other = "32"
	}
	tests := []struct {
		where []string
		want  string
	}{
		{[]string{"units=" + other}, "no complete trial matches --where units=" + other + "\n"},
		{[]string{"units=" + other, "dropout=0.25"}, "no complete trial matches --where units=" + other + " --where dropout=0.25\n"},
	}
	for _, tc := range tests {
		args := []string{"leaderboard", "--study", "q"}
		for _, w := range tc.where {
			args = append(args, "--where", w)
		}
		if r := sweep(t, env, args...); r.code != ExitOK || r.stdout != tc.want {
			t.Errorf("%q: exit %d, stdout %q, want %q\n%s", args, r.code, r.stdout, tc.want, r.stderr)
		}
	}
}

func TestMergeFilters(t *testing.T) {
	t.Parallel()
	rng := &tracker.NumberRange{Min: 0.19995, Max: 0.20005}
	num := func(v search.Value) tracker.ParamFilter { return tracker.ParamFilter{Name: "p", Value: v} }
	ranged := tracker.ParamFilter{Name: "p", Range: rng}
	tests := []struct {
		name string
		a, b tracker.ParamFilter
		want string // the merged filter, or "none"
	}{
		{"same range", ranged, ranged, "range"},
		{"range and number", ranged, num(search.Float(0.2)), "range"},
		{"number and range", num(search.Int(64)), ranged, "range"},
		{"int and float", num(search.Int(64)), num(search.Float(64)), "64"},
		{"same string", num(search.String("a")), num(search.String("a")), "a"},
		{"range and string", ranged, num(search.String("0.2")), "none"},
		{"number and bool", num(search.Int(1)), num(search.Bool(true)), "none"},
		{"string and bool", num(search.String("true")), num(search.Bool(true)), "none"},
	}
	for _, tc := range tests {
		f, ok := mergeFilters(tc.a, tc.b)
		got := "none"
		switch {
		case ok && f.Range != nil:
			got = "range"
		case ok:
			got = f.Value.String()
		}
		if got != tc.want {
			t.Errorf("%s: mergeFilters = %s, want %s", tc.name, got, tc.want)
		}
	}
}
