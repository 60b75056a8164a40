package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// discreteSpace has 4·3·2 = 24 configurations.
func discreteSpace() Space {
	return Space{[]Param{
		Categorical("sampling", String("none"), String("oversample"), String("undersample"), String("class_weight")),
		IntRange("units", 16, 64, 24),
		Categorical("batch", Int(32), Int(64)),
		Fixed("epochs", Int(5)),
		FloatRange("dropout", 0.25, 0.25),
	}}
}

func TestRandomDiscreteNoRepeatsWithinRound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		space Space
		n     int
	}{
		{"mixed", discreteSpace(), 24},
		{"log int", Space{[]Param{IntRange("units", 1, 64, 1).WithLog()}}, 64},
		{"one choice each", Space{[]Param{Categorical("a", String("x")), Fixed("b", Bool(true))}}, 1},
		{"two", Space{[]Param{Categorical("opt", String("adam"), String("sgd"))}}, 2},
		{"float points", Space{[]Param{FloatRange("lr", 1e-3, 1e-1).WithLog().WithCount(3), FloatRange("dropout", 0, 0.2).WithCount(3)}}, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sampler := NewRandom()
			for round := range 3 {
				seen := map[string]int{}
				for k := round * tt.n; k < (round+1)*tt.n; k++ {
					p, err := sampler.Sample(tt.space, k, 11, nil)
					if err != nil {
						t.Fatal(err)
					}
					if err := tt.space.Contains(p); err != nil {
						t.Fatalf("trial %d: %v", k, err)
					}
					if prev, ok := seen[p.String()]; ok {
						t.Fatalf("trial %d repeats trial %d within round %d: %s", k, prev, round, p)
					}
					seen[p.String()] = k
				}
				if len(seen) != tt.n {
					t.Errorf("round %d drew %d distinct configurations, want all %d", round, len(seen), tt.n)
				}
			}
		})
	}
}

// TestRandomFloatPoints: a float range with a count is drawn among its grid
// points, as the grid sampler and the plan count it.
func TestRandomFloatPoints(t *testing.T) {
	t.Parallel()
	space := Space{[]Param{
		FloatRange("lr", 1e-3, 1e-1).WithLog().WithCount(3),
		FloatRange("dropout", 0, 0.2).WithCount(3),
		FloatRange("l2", 1e-6, 1e-2).WithLog(),
	}}
	points := map[string][]float64{"lr": {0.001, 0.01, 0.1}, "dropout": {0, 0.1, 0.2}}
	counts := map[string]map[float64]int{"lr": {}, "dropout": {}}
	for k := range 300 {
		p, err := NewRandom().Sample(space, k, 5, nil)
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range points {
			v := p[name].Float
			if !slices.Contains(want, v) {
				t.Fatalf("trial %d: %s = %v, want one of the grid points %v", k, name, v, want)
			}
			counts[name][v]++
		}
	}
	for name, c := range counts {
		for v, n := range c {
			if n < 60 {
				t.Errorf("%s = %v drawn %d times of 300, want about 100", name, v, n)
			}
		}
	}
}

// TestRandomDiscreteDependsOnSeedAndKOnly checks that trial k's params are
// the same whether computed from scratch (the zero Random), in increasing
// order, from a resumed study (first call at k > 0), or from many
// goroutines at once.
func TestRandomDiscreteDependsOnSeedAndKOnly(t *testing.T) {
	t.Parallel()
	space := discreteSpace()
	const trials = 60
	want := make([]string, trials)
	for k := range trials {
		p, err := Random{}.Sample(space, k, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		want[k] = p.String()
	}

	resumed := NewRandom()
	for _, k := range []int{37, 38, 5, 6, 59, 0} {
		p, _ := resumed.Sample(space, k, 3, nil)
		if p.String() != want[k] {
			t.Errorf("resumed sampler, trial %d: %s, want %s", k, p, want[k])
		}
	}

	shared := NewRandom()
	order := rand.New(rand.NewPCG(1, 2)).Perm(trials)
	var wg sync.WaitGroup
	got := make([]string, trials)
	for _, k := range order {
		wg.Go(func() {
			p, _ := shared.Sample(space, k, 3, nil)
			got[k] = p.String()
		})
	}
	wg.Wait()
	for k := range trials {
		if got[k] != want[k] {
			t.Errorf("concurrent sampler, trial %d: %s, want %s", k, got[k], want[k])
		}
	}

	// One sampler used for two spaces in turn answers for each.
	narrower := discreteSpace()
	narrower.Params[2] = Categorical("batch", Int(32), Int(128))
	alternating := NewRandom()
	for k := range 30 {
		for _, sp := range []Space{space, narrower} {
			p, _ := alternating.Sample(sp, k, 3, nil)
			if want, _ := (Random{}).Sample(sp, k, 3, nil); p.String() != want.String() {
				t.Fatalf("sampler shared by two spaces, trial %d: %s, want %s", k, p, want)
			}
		}
	}

	same := 0
	for k := range 5 {
		if p, _ := (Random{}).Sample(space, k, 4, nil); p.String() == want[k] {
			same++
		}
	}
	if same == 5 {
		t.Errorf("study seeds 3 and 4 draw the same first five trials")
	}
}

// TestRandomFirstDrawKept checks that the no-repeat rule only changes a draw
// that repeats: trial 0, and every trial of a space with a float range, is
// the plain draw of its trial seed.
func TestRandomFirstDrawKept(t *testing.T) {
	t.Parallel()
	continuous := Space{[]Param{Categorical("opt", String("adam"), String("sgd")), FloatRange("lr", 1e-4, 1e-1).WithLog()}}
	for k := range 50 {
		p, _ := NewRandom().Sample(continuous, k, 9, nil)
		if want := continuous.drawParams(TrialSeed(9, k)); p.String() != want.String() {
			t.Fatalf("continuous space, trial %d: %s, want the plain draw %s", k, p, want)
		}
	}
	for seed := range uint64(20) {
		p, _ := Random{}.Sample(discreteSpace(), 0, seed, nil)
		if want := discreteSpace().drawParams(TrialSeed(seed, 0)); p.String() != want.String() {
			t.Fatalf("seed %d, trial 0: %s, want the plain draw %s", seed, p, want)
		}
	}
	// A redrawn trial differs from its plain draw exactly when the plain
	// draw repeats an earlier trial of the round.
	sampler := NewRandom()
	seen := map[string]bool{}
	redrawn := 0
	for k := range 24 {
		p, _ := sampler.Sample(discreteSpace(), k, 9, nil)
		plain := discreteSpace().drawParams(TrialSeed(9, k)).String()
		if (p.String() != plain) != seen[plain] {
			t.Fatalf("trial %d: drew %s, plain draw %s (seen before: %v)", k, p, plain, seen[plain])
		}
		if seen[plain] {
			redrawn++
		}
		seen[p.String()] = true
	}
	if redrawn == 0 {
		t.Errorf("no trial of 24 in a space of 24 was redrawn; the test does not exercise redraws")
	}
}

// BenchmarkRandomDiscrete measures NewRandom over a 384-point discrete space,
// beside the plain draws it replaces (floor).
func BenchmarkRandomDiscrete(b *testing.B) {
	space := Space{[]Param{
		IntRange("units", 16, 512, 16),
		Categorical("optimizer", String("adam"), String("rmsprop"), String("sgd")),
		Categorical("batch", Int(16), Int(32), Int(64), Int(128)),
		IntRange("layers", 1, 4, 1),
	}}
	for _, trials := range []int{100, 1000} {
		b.Run(fmt.Sprintf("trials=%d", trials), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				sampler := NewRandom()
				for k := range trials {
					if _, err := sampler.Sample(space, k, 1, nil); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*trials), "ns/trial")
		})
		// The floor: the same trials drawn with repeats allowed.
		b.Run(fmt.Sprintf("floor/trials=%d", trials), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				for k := range trials {
					space.drawParams(TrialSeed(1, k))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*trials), "ns/trial")
		})
	}
}
