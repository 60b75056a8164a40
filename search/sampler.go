package search

import (
	"fmt"
	"math"
	"math/rand/v2"
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
// float ranges uniformly (log-uniformly with Log). Each parameter of trial k
// is drawn from its own PCG stream seeded with (TrialSeed(studySeed, k),
// FNV-1a of the parameter name), so adding a parameter to a space leaves the
// draws of the others unchanged.
type Random struct{}

// Sample draws the params of trial k.
func (Random) Sample(space Space, k int, studySeed uint64, _ []Trial) (Params, error) {
	if k < 0 {
		return nil, fmt.Errorf("random: negative trial number %d", k)
	}
	ts := TrialSeed(studySeed, k)
	params := make(Params, len(space.Params))
	var src rand.PCG
	rng := rand.New(&src)
	for _, p := range space.Params {
		src.Seed(ts, nameHash(p.Name))
		params[p.Name] = p.draw(rng)
	}
	return params, nil
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
		u := rng.Float64()
		if p.Log {
			lo, hi := math.Log(p.Min), math.Log(p.Max)
			return Float(min(max(math.Exp(lo+u*(hi-lo)), p.Min), p.Max))
		}
		return Float(min(p.Min+u*(p.Max-p.Min), p.Max))
	}
	return p.Value
}
