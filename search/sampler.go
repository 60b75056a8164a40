package search

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// Sampler chooses the params of trial k of a study.
//
// finished holds the trials of the study that have reached a final status
// (complete, pruned or failed), in the order the driver learnt of them, so
// that model-based samplers (TPE) can come later without changing the driver.
// The slice and the trials in it must not be modified. Grid and Random ignore
// it: they assign trial k's params as a function of (studySeed, k) alone,
// which is what makes a sweep reproducible whatever its parallelism.
//
// The driver makes one call at a time, in increasing k, only for trials that
// do not exist yet in the store, and only when a worker is free to run the
// trial. An error stops scheduling (running trials finish) and is returned
// by Optimize.
type Sampler interface {
	Sample(space Space, k int, studySeed uint64, finished []Trial) (Params, error)
}

// Sizer is implemented by samplers with a finite number of trials; the driver
// uses it as the default and the upper bound of Config.MaxTrials.
type Sizer interface {
	Size(space Space) (int, error)
}

// TrialSeed returns the seed of trial k of a study with the given seed:
// SplitMix64 applied to studySeed + (k+1)·γ, γ = 0x9E3779B97F4A7C15 (the
// golden-ratio increment of SplitMix64), that is the (k+1)-th output of a
// SplitMix64 generator seeded with studySeed. It depends on (studySeed, k)
// alone, never on the order in which trials run.
func TrialSeed(studySeed uint64, k int) uint64 {
	return splitMix64(studySeed + uint64(k+1)*0x9E3779B97F4A7C15)
}

// splitMix64 is the finalizer of SplitMix64 (Steele, Lea and Flood 2014).
func splitMix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// Grid enumerates the Cartesian product of a space. Trial k takes the k-th
// point in odometer order: the last parameter of the space varies fastest,
// the first slowest, and each parameter runs through its grid values in order
// (categorical: the choices as listed; int: IntMin, IntMin+Step, …; float:
// Count points from Min to Max). Size is the product of the value counts.
type Grid struct{}

// Size returns the number of grid points of the space.
func (Grid) Size(space Space) (int, error) { return space.GridSize() }

// Sample returns grid point k.
func (Grid) Sample(space Space, k int, _ uint64, _ []Trial) (Params, error) {
	size, err := space.GridSize()
	if err != nil {
		return nil, err
	}
	if k < 0 || k >= size {
		return nil, fmt.Errorf("grid: trial %d is outside the grid of %d points", k, size)
	}
	params := make(Params, len(space.Params))
	for i := len(space.Params) - 1; i >= 0; i-- {
		p := space.Params[i]
		n, _ := p.gridLen() // checked by GridSize
		params[p.Name] = p.gridValue(k % n)
		k /= n
	}
	return params, nil
}

// Random draws every parameter independently: categorical uniformly among the
// choices, int ranges uniformly among the steps (log-uniformly with Log),
// float ranges with a Count uniformly among their grid points, other float
// ranges uniformly (log-uniformly with Log). Each parameter of trial k
// is drawn from its own PCG stream seeded with (TrialSeed(studySeed, k),
// FNV-1a of the parameter name), so adding a parameter to a space leaves the
// draws of the others unchanged.
//
// In a discrete space (no float range without a Count) of N
// configurations, no configuration repeats until all N have been drawn:
// trials are taken in rounds of N (trials 0…N-1, N…2N-1, …), and a draw that
// repeats a configuration of an earlier trial of its round is redrawn from a
// new stream (attempt a of trial k seeds its streams with SplitMix64 of
// TrialSeed(studySeed, k) + a·γ), up to 64 attempts, after which the next
// unused configuration in odometer order is taken. A first draw that repeats
// nothing is kept, so a space in which no repeat happens draws exactly as
// without this rule. Trial k's params still depend on (studySeed, k) alone.
//
// The zero Random recomputes the trials before k in its round on every call;
// NewRandom remembers them, which keeps long studies over large discrete
// spaces linear. Either is safe for concurrent use.
type Random struct {
	memo *randomMemo
}

// NewRandom returns a Random sampler that remembers the configurations it
// drew, for a study at a time.
func NewRandom() Random { return Random{memo: &randomMemo{}} }

// maxRedraws bounds the redraws of a repeated configuration.
const maxRedraws = 64

// Sample draws the params of trial k.
func (r Random) Sample(space Space, k int, studySeed uint64, _ []Trial) (Params, error) {
	if k < 0 {
		return nil, fmt.Errorf("random: negative trial number %d", k)
	}
	sizes, n := space.discreteSizes()
	if n <= 1 {
		return space.drawParams(TrialSeed(studySeed, k)), nil
	}
	var idx uint64
	if r.memo == nil {
		var m randomMemo
		idx = m.index(space, sizes, n, k, studySeed)
	} else {
		idx = r.memo.index(space, sizes, n, k, studySeed)
	}
	return space.decode(sizes, idx), nil
}

// drawParams draws every parameter from streams seeded with seed.
func (s Space) drawParams(seed uint64) Params {
	params := make(Params, len(s.Params))
	var src rand.PCG
	rng := rand.New(&src)
	for _, p := range s.Params {
		src.Seed(seed, nameHash(p.Name))
		params[p.Name] = p.draw(rng)
	}
	return params
}

// discreteSizes returns the number of values of each parameter and their
// product N when every parameter has finitely many values, and N = 0 when
// one is a float range or N overflows.
func (s Space) discreteSizes() ([]uint64, uint64) {
	for _, p := range s.Params {
		if p.Kind == ParamFloat && p.Min != p.Max && p.Count == 0 {
			return nil, 0
		}
	}
	sizes := make([]uint64, len(s.Params))
	n := uint64(1)
	for i, p := range s.Params {
		var m uint64
		switch p.Kind {
		case ParamCategorical:
			m = uint64(len(p.Choices))
		case ParamInt:
			m = uint64(p.IntMax-p.IntMin)/uint64(p.Step) + 1
		case ParamFloat:
			m = max(uint64(p.Count), 1)
			if p.Min == p.Max {
				m = 1
			}
		case ParamFixed:
			m = 1
		}
		if m == 0 || n > math.MaxUint64/m {
			return nil, 0
		}
		sizes[i] = m
		n *= m
	}
	return sizes, n
}

// drawIndex draws a configuration from streams seeded with seed and returns
// its index in odometer order (the last parameter varies fastest).
func (s Space) drawIndex(sizes []uint64, seed uint64) uint64 {
	var src rand.PCG
	rng := rand.New(&src)
	var idx uint64
	for i, p := range s.Params {
		src.Seed(seed, nameHash(p.Name))
		var j uint64
		switch p.Kind {
		case ParamCategorical:
			j = uint64(rng.IntN(len(p.Choices)))
		case ParamInt:
			j = uint64(p.draw(rng).Int-p.IntMin) / uint64(p.Step)
		case ParamFloat:
			if sizes[i] > 1 {
				j = uint64(rng.IntN(p.Count))
			}
		}
		idx = idx*sizes[i] + j
	}
	return idx
}

// decode returns the configuration with the given odometer index. For the
// discrete parameters Random handles, value j is grid value j.
func (s Space) decode(sizes []uint64, idx uint64) Params {
	params := make(Params, len(s.Params))
	for i := len(s.Params) - 1; i >= 0; i-- {
		p := s.Params[i]
		params[p.Name] = p.gridValue(int(idx % sizes[i]))
		idx /= sizes[i]
	}
	return params
}

// randomMemo holds the configurations of the trials of one round of one
// study, so that each call extends it instead of recomputing it.
type randomMemo struct {
	mu    sync.Mutex
	key   uint64              // hash of the space and study seed the round belongs to
	first int                 // the round's first trial
	idx   []uint64            // configurations of trials first, first+1, …
	used  map[uint64]struct{} // the same, as a set
}

// index returns the configuration index of trial k in a discrete space of n
// configurations.
func (m *randomMemo) index(space Space, sizes []uint64, n uint64, k int, studySeed uint64) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	first := k - int(uint64(k)%n)
	key := space.hash(studySeed)
	if m.used == nil || m.key != key || m.first != first {
		m.key, m.first, m.idx, m.used = key, first, m.idx[:0], map[uint64]struct{}{}
	}
	for j := first + len(m.idx); j <= k; j++ {
		i := m.choose(space, sizes, n, TrialSeed(studySeed, j))
		m.idx = append(m.idx, i)
		m.used[i] = struct{}{}
	}
	return m.idx[k-first]
}

// hash returns FNV-1a of seed and every field of the space's parameters.
func (s Space) hash(seed uint64) uint64 {
	h := uint64(14695981039346656037)
	word := func(x uint64) {
		for range 8 {
			h ^= x & 0xff
			h *= 1099511628211
			x >>= 8
		}
	}
	str := func(v string) {
		word(uint64(len(v)))
		word(nameHash(v))
	}
	value := func(v Value) {
		word(uint64(v.Kind))
		str(v.Str)
		word(uint64(v.Int))
		word(math.Float64bits(v.Float))
		if v.Bool {
			word(1)
		} else {
			word(0)
		}
	}
	word(seed)
	for _, p := range s.Params {
		str(p.Name)
		word(uint64(p.Kind))
		word(uint64(len(p.Choices)))
		for _, c := range p.Choices {
			value(c)
		}
		word(uint64(p.IntMin))
		word(uint64(p.IntMax))
		word(uint64(p.Step))
		word(math.Float64bits(p.Min))
		word(math.Float64bits(p.Max))
		if p.Log {
			word(1)
		} else {
			word(0)
		}
		word(uint64(p.Count))
		value(p.Value)
	}
	return h
}

// choose draws a configuration not used yet in the round.
func (m *randomMemo) choose(space Space, sizes []uint64, n, trialSeed uint64) uint64 {
	var i uint64
	for a := range uint64(maxRedraws) {
		seed := trialSeed
		if a > 0 {
			seed = splitMix64(trialSeed + a*0x9E3779B97F4A7C15)
		}
		i = space.drawIndex(sizes, seed)
		if _, ok := m.used[i]; !ok {
			return i
		}
	}
	// The round has fewer than n trials before this one, so an unused
	// configuration exists.
	for {
		i = (i + 1) % n
		if _, ok := m.used[i]; !ok {
			return i
		}
	}
}

// nameHash is 64-bit FNV-1a of name (as hash/fnv computes it, without the
// allocation).
func nameHash(name string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return h
}

// draw returns a random value of the parameter.
func (p Param) draw(rng *rand.Rand) Value {
	switch p.Kind {
	case ParamCategorical:
		return p.Choices[rng.IntN(len(p.Choices))]
	case ParamInt:
		if p.Log && p.IntMin < p.IntMax {
			// Log-uniform over [min-0.5, max+0.5], rounded: each integer
			// gets the mass of its rounding interval (as Optuna does).
			lo, hi := math.Log(float64(p.IntMin)-0.5), math.Log(float64(p.IntMax)+0.5)
			v := int64(math.Round(math.Exp(lo + rng.Float64()*(hi-lo))))
			return Int(min(max(v, p.IntMin), p.IntMax))
		}
		n := uint64(p.IntMax-p.IntMin)/uint64(p.Step) + 1
		return Int(p.IntMin + int64(rng.Uint64N(n))*p.Step)
	case ParamFloat:
		if p.Min == p.Max {
			return Float(p.Min)
		}
		if p.Count > 0 {
			return p.gridValue(rng.IntN(p.Count))
		}
		u := rng.Float64()
		if p.Log {
			lo, hi := math.Log(p.Min), math.Log(p.Max)
			return Float(min(max(math.Exp(lo+u*(hi-lo)), p.Min), p.Max))
		}
		return Float(min(p.Min+u*(p.Max-p.Min), p.Max))
	}
	return p.Value
}
