package search

import (
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestParamValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		param Param
		want  string // substring of the error; "" means valid
	}{
		{"categorical ok", Categorical("act", String("relu"), String("tanh")), ""},
		{"categorical mixed kinds", Categorical("x", Int(1), Float(1), Bool(true), String("1")), ""},
		{"categorical empty", Categorical("act"), "space.act: categorical parameter needs at least one choice"},
		{"categorical duplicate", Categorical("act", String("relu"), String("relu")), "space.act: choice 1 (relu) repeats choice 0"},
		{"categorical NaN", Categorical("x", Float(math.NaN())), "space.x: choice 0: value NaN is not finite"},
		{"int ok", IntRange("units", 16, 256, 16), ""},
		{"int max < min", IntRange("units", 10, 5, 1), "space.units: max must be ≥ min"},
		{"int log ok", IntRange("units", 1, 1024, 1).WithLog(), ""},
		{"int log min 0", IntRange("units", 0, 1024, 1).WithLog(), "space.units: log scale needs min ≥ 1"},
		{"int log step", IntRange("units", 1, 1024, 2).WithLog(), "space.units: log scale needs step 1"},
		{"int bad step", Param{Name: "u", Kind: ParamInt, IntMin: 0, IntMax: 3, Step: 0}, "space.u: step must be ≥ 1"},
		{"int too wide", IntRange("u", math.MinInt64, math.MaxInt64, 1), "space.u: range"},
		{"float ok", FloatRange("dropout", 0, 0.5), ""},
		{"float max < min", FloatRange("dropout", 0.5, 0.1), "space.dropout: max must be ≥ min"},
		{"float inf", FloatRange("dropout", 0, math.Inf(1)), "space.dropout: min and max must be finite"},
		{"float log min 0", FloatRange("lr", 0, 1).WithLog(), "space.lr: log scale needs min > 0"},
		{"float count 1", FloatRange("lr", 0, 1).WithCount(1), "space.lr: count 1 needs min == max"},
		{"float count negative", FloatRange("lr", 0, 1).WithCount(-2), "space.lr: count must be ≥ 0"},
		{"fixed ok", Fixed("epochs", Int(100)), ""},
		{"fixed NaN", Fixed("l2", Float(math.NaN())), "space.l2: value NaN is not finite"},
		{"no name", FloatRange("", 0, 1), "space.: name is empty"},
		{"no kind", Param{Name: "p"}, "space.p: unknown parameter kind 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.param.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want error containing %q", err, tc.want)
			}
		})
	}
}

func TestSpaceValidate(t *testing.T) {
	t.Parallel()
	empty, err := NewSpace()
	if err != nil {
		t.Errorf("empty space: %v", err)
	}
	if n, err := empty.GridSize(); n != 1 || err != nil {
		t.Errorf("empty space: GridSize() = %d, %v; want 1 point", n, err)
	}
	for _, s := range []Sampler{Grid{}, Random{}, NewRandom()} {
		if p, err := s.Sample(empty, 0, 1, nil); err != nil || len(p) != 0 || empty.Contains(p) != nil {
			t.Errorf("%T on the empty space: %v, %v; want empty params", s, p, err)
		}
	}
	_, err = NewSpace(FloatRange("l2", 0, 1), IntRange("units", 1, 4, 1), FloatRange("l2", 0, 2))
	if err == nil || err.Error() != "space.l2: defined twice (parameters 0 and 2)" {
		t.Errorf("duplicate name: got %v", err)
	}
	_, err = NewSpace(FloatRange("l1", 0, 1), FloatRange("dropout", 0.9, 0.1))
	if err == nil || !strings.HasPrefix(err.Error(), "space.dropout: max must be ≥ min") {
		t.Errorf("bad param: got %v", err)
	}
}

func TestGridSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		space Space
		size  int
		err   string
	}{
		{"product", Space{[]Param{
			Categorical("act", String("relu"), String("tanh"), String("sigmoid")),
			IntRange("units", 16, 64, 16), // 16 32 48 64
			FloatRange("dropout", 0, 0.5).WithCount(6),
			Fixed("epochs", Int(10)),
			FloatRange("l2", 0.1, 0.1), // a point: one value even without count
		}}, 3 * 4 * 6, ""},
		{"int step not dividing", Space{[]Param{IntRange("u", 0, 10, 3)}}, 4, ""}, // 0 3 6 9
		{"float without count", Space{[]Param{IntRange("u", 0, 1, 1), FloatRange("dropout", 0, 0.5)}}, 0,
			"space.dropout: a grid over a float range needs a count or explicit values"},
		{"too large", Space{[]Param{IntRange("a", 0, 1<<20, 1), IntRange("b", 0, 1<<20, 1)}}, 0, "grid has more than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n, err := tc.space.GridSize()
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("GridSize() = %d, %v; want error %q", n, err, tc.err)
				}
				return
			}
			if err != nil || n != tc.size {
				t.Fatalf("GridSize() = %d, %v; want %d", n, err, tc.size)
			}
		})
	}
}

func TestGridValues(t *testing.T) {
	t.Parallel()
	values := func(p Param) []string {
		n, err := p.gridLen()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for i := range n {
			out = append(out, p.gridValue(i).String())
		}
		return out
	}
	tests := []struct {
		param Param
		want  []string
	}{
		{IntRange("u", 0, 10, 3), []string{"0", "3", "6", "9"}},
		{FloatRange("dropout", 0, 0.5).WithCount(6), []string{"0.0", "0.1", "0.2", "0.3", "0.4", "0.5"}},
		// Geometric: 1e-4 … 1e-1 in 4 points is one decade apart.
		{FloatRange("lr", 1e-4, 1e-1).WithCount(4).WithLog(), []string{"0.0001", "0.001", "0.01", "0.1"}},
		{FloatRange("x", 0.3, 0.3), []string{"0.3"}},
		{Categorical("b", Bool(true), Bool(false)), []string{"true", "false"}},
		{Fixed("opt", String("adam")), []string{"adam"}},
	}
	for _, tc := range tests {
		if got := values(tc.param); !slices.Equal(got, tc.want) {
			t.Errorf("%s grid = %v, want %v", tc.param.Name, got, tc.want)
		}
	}
}

func TestSpaceContains(t *testing.T) {
	t.Parallel()
	space := Space{[]Param{
		IntRange("units", 16, 64, 16),
		FloatRange("dropout", 0, 0.5),
		Categorical("act", String("relu"), String("tanh")),
		Fixed("epochs", Int(10)),
	}}
	ok := Params{"units": Int(32), "dropout": Float(0.25), "act": String("tanh"), "epochs": Int(10)}
	if err := space.Contains(ok); err != nil {
		t.Fatalf("Contains(%s) = %v", ok, err)
	}
	tests := []struct {
		name   string
		change func(Params)
		want   string
	}{
		{"off step", func(p Params) { p["units"] = Int(40) }, "space.units: value 40 is outside"},
		{"wrong kind", func(p Params) { p["dropout"] = Int(0) }, "space.dropout: value 0 is outside"},
		{"above max", func(p Params) { p["dropout"] = Float(0.6) }, "space.dropout"},
		{"unknown choice", func(p Params) { p["act"] = String("elu") }, "space.act"},
		{"fixed changed", func(p Params) { p["epochs"] = Int(11) }, "space.epochs"},
		{"missing", func(p Params) { delete(p, "act") }, "space.act: missing from params"},
		{"extra", func(p Params) { p["zeta"] = Int(1) }, "params.zeta: not in the space"},
	}
	for _, tc := range tests {
		p := Params{}
		for k, v := range ok {
			p[k] = v
		}
		tc.change(p)
		if err := space.Contains(p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Contains = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestGridSamplerCompleteAndOrdered(t *testing.T) {
	t.Parallel()
	space := Space{[]Param{
		Categorical("act", String("relu"), String("tanh")),
		IntRange("units", 8, 32, 8),
		FloatRange("lr", 1e-3, 1e-1).WithCount(3).WithLog(),
		Fixed("epochs", Int(5)),
	}}
	n, err := Grid{}.Size(space)
	if err != nil || n != 2*4*3 {
		t.Fatalf("Size = %d, %v; want 24", n, err)
	}
	seen := map[string]int{}
	var order []string
	for k := range n {
		p, err := Grid{}.Sample(space, k, 7, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := space.Contains(p); err != nil {
			t.Fatalf("trial %d: %v", k, err)
		}
		s := p.String()
		if j, dup := seen[s]; dup {
			t.Fatalf("trial %d repeats trial %d: %s", k, j, s)
		}
		seen[s] = k
		order = append(order, s)
	}
	// Odometer order: the last parameter varies fastest.
	want := []string{
		"act=relu epochs=5 lr=0.001 units=8",
		"act=relu epochs=5 lr=0.01 units=8",
		"act=relu epochs=5 lr=0.1 units=8",
		"act=relu epochs=5 lr=0.001 units=16",
	}
	if !slices.Equal(order[:4], want) {
		t.Errorf("first grid points = %q, want %q", order[:4], want)
	}
	if last := order[n-1]; last != "act=tanh epochs=5 lr=0.1 units=32" {
		t.Errorf("last grid point = %q", last)
	}
	if _, err := (Grid{}).Sample(space, n, 7, nil); err == nil {
		t.Error("Sample beyond the grid succeeded")
	}
}

func TestRandomSampler(t *testing.T) {
	t.Parallel()
	space := Space{[]Param{
		Categorical("act", String("relu"), String("tanh"), String("elu")),
		IntRange("units", 16, 256, 16),
		IntRange("batch", 1, 1024, 1).WithLog(),
		FloatRange("dropout", 0, 0.5),
		FloatRange("lr", 1e-5, 1e-1).WithLog(),
		Fixed("epochs", Int(5)),
	}}
	const n = 4000
	var logLR, logBatch []float64
	counts := map[string]int{}
	for k := range n {
		p, err := Random{}.Sample(space, k, 99, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := space.Contains(p); err != nil {
			t.Fatalf("trial %d: %v", k, err)
		}
		again, _ := Random{}.Sample(space, k, 99, nil)
		if again.String() != p.String() {
			t.Fatalf("trial %d: not a function of (seed, k): %s then %s", k, p, again)
		}
		logLR = append(logLR, math.Log10(p["lr"].Float))
		logBatch = append(logBatch, math.Log2(float64(p["batch"].Int)))
		counts[p["act"].Str]++
	}
	// Log-uniform on [1e-5, 1e-1]: log10 is uniform on [-5, -1], mean -3,
	// standard error of the mean (4/√12)/√4000 ≈ 0.018.
	if m := mean(logLR); math.Abs(m+3) > 0.1 {
		t.Errorf("mean log10(lr) = %.3f, want ≈ -3 (log-uniform)", m)
	}
	// Log-uniform integers on [1, 1024] are drawn log-uniformly on
	// [0.5, 1024.5] and rounded, so P(batch ≤ 32) = ln(32.5/0.5) /
	// ln(1024.5/0.5) = 4.174/7.625 ≈ 0.547 (standard error ≈ 0.008).
	small := 0
	for _, l := range logBatch {
		if l <= 5 {
			small++
		}
	}
	if f := float64(small) / n; math.Abs(f-0.547) > 0.04 {
		t.Errorf("P(batch ≤ 32) = %.3f, want ≈ 0.547 (log-uniform)", f)
	}
	for _, c := range []string{"relu", "tanh", "elu"} {
		if counts[c] < n/3-200 || counts[c] > n/3+200 {
			t.Errorf("choice %s drawn %d times of %d, want ≈ %d", c, counts[c], n, n/3)
		}
	}
	other, _ := Random{}.Sample(space, 0, 100, nil)
	first, _ := Random{}.Sample(space, 0, 99, nil)
	if other.String() == first.String() {
		t.Errorf("study seeds 99 and 100 give the same trial 0: %s", first)
	}
}

func TestRandomSamplerStableUnderAddedParam(t *testing.T) {
	t.Parallel()
	a := Space{[]Param{FloatRange("dropout", 0, 0.5), FloatRange("lr", 1e-4, 1e-1).WithLog()}}
	b := Space{[]Param{FloatRange("dropout", 0, 0.5), Categorical("act", String("relu"), String("tanh")), FloatRange("lr", 1e-4, 1e-1).WithLog()}}
	for k := range 20 {
		pa, _ := Random{}.Sample(a, k, 5, nil)
		pb, _ := Random{}.Sample(b, k, 5, nil)
		if pa["dropout"] != pb["dropout"] || pa["lr"] != pb["lr"] {
			t.Fatalf("trial %d: adding a parameter changed the others: %s vs %s", k, pa, pb)
		}
	}
}

func TestTrialSeed(t *testing.T) {
	t.Parallel()
	// SplitMix64 seeded with 0: its first outputs are the reference values
	// of Vigna's splitmix64.c (https://prng.di.unimi.it/splitmix64.c).
	want := []uint64{0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f}
	for k, w := range want {
		if got := TrialSeed(0, k); got != w {
			t.Errorf("TrialSeed(0, %d) = %#x, want %#x", k, got, w)
		}
	}
	seen := map[uint64]string{}
	for _, s := range []uint64{0, 1, 42} {
		for k := range 1000 {
			v := TrialSeed(s, k)
			id := fmt.Sprintf("(%d,%d)", s, k)
			if prev, dup := seen[v]; dup {
				t.Fatalf("TrialSeed%s = TrialSeed%s", id, prev)
			}
			seen[v] = id
		}
	}
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func TestNameHashIsFNV1a(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "a", "learning_rate", "dropout"} {
		h := fnv.New64a()
		h.Write([]byte(s))
		if got, want := nameHash(s), h.Sum64(); got != want {
			t.Errorf("nameHash(%q) = %#x, want %#x", s, got, want)
		}
	}
}
