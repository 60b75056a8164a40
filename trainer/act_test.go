package trainer

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestReLUPasses checks the ReLU forward (with and without dropout) and
// backward passes against the per-element definition, bit for bit, for
// widths with and without a vector tail, with NaN and -0 inputs. On amd64
// this covers the AVX2 kernels.
func TestReLUPasses(t *testing.T) {
	t.Parallel()
	negZero := float32(math.Copysign(0, -1))
	nan := float32(math.NaN())
	same := func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b }
	for _, width := range []int{5, 8, 13, 128} {
		const rows = 6
		rng := rand.New(rand.NewPCG(uint64(width), 1))
		z, b, m, g := make([]float32, rows*width), make([]float32, width), make([]float32, rows*width), make([]float32, rows*width)
		for i := range z {
			z[i] = float32(rng.NormFloat64())
			g[i] = float32(rng.NormFloat64())
			if rng.IntN(5) > 0 {
				m[i] = 1.25
			}
		}
		for j := range b {
			b[j] = float32(0.1 * rng.NormFloat64())
		}
		z[1], b[1] = negZero, negZero // -0 + -0 = -0 stays -0
		z[2] = nan
		for _, drop := range []bool{false, true} {
			zv, d := append([]float32{}, z...), make([]float32, len(z))
			want := make([]float32, len(z))
			for i := range z {
				v := z[i] + b[i%width]
				if v < 0 {
					v = 0
				}
				want[i] = v
			}
			if drop {
				reluDropout(zv, d, m, b)
			} else {
				activate(actReLU, zv, b)
			}
			for i := range want {
				if !same(zv[i], want[i]) || drop && !same(d[i], want[i]*m[i]) {
					t.Fatalf("width %d drop %v, forward %d: got %v (d %v), want %v", width, drop, i, zv[i], d[i], want[i])
				}
			}
			gv := append([]float32{}, g...)
			var mask []float32
			if drop {
				mask = m
			}
			activateBack(actReLU, gv, want, mask)
			for i := range g {
				w := float32(0)
				if want[i] > 0 {
					w = g[i]
					if drop {
						w *= m[i]
					}
				}
				if !same(gv[i], w) {
					t.Fatalf("width %d drop %v, backward %d: got %v, want %v", width, drop, i, gv[i], w)
				}
			}
		}
	}
}

// TestActivate32 checks the float32 forward pass of tanh, sigmoid and elu
// against the float64 definitions rounded to float32, within the 3 ulp of
// mathf.go, with NaN, −0, large and tiny inputs: tanh and elu keep −0, elu
// keeps x > 0 as it is, and every function keeps NaN.
func TestActivate32(t *testing.T) {
	t.Parallel()
	negZero := float32(math.Copysign(0, -1))
	defs := []struct {
		act actKind
		f   func(float64) float64
	}{
		{actTanh, math.Tanh},
		{actSigmoid, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }},
		{actELU, func(x float64) float64 {
			if x < 0 {
				return math.Expm1(x)
			}
			return x
		}},
	}
	const width = 7
	rng := rand.New(rand.NewPCG(3, 4))
	z := []float32{negZero, float32(math.NaN()), 1e-30, -1e-30, 30, -30, 0.3, -0.3}
	for len(z)%width != 0 || len(z) < 200 {
		z = append(z, float32(3*rng.NormFloat64()))
	}
	b := make([]float32, width)
	for j := range b {
		b[j] = negZero // x + (−0) is x for every x, −0 included
	}
	for _, d := range defs {
		got := append([]float32{}, z...)
		activate(d.act, got, b)
		for i, x := range z {
			want := float32(d.f(float64(x)))
			switch {
			case x != x:
				if got[i] == got[i] {
					t.Errorf("%s(NaN) = %v", d.act, got[i])
				}
			case x == 0 && d.act != actSigmoid:
				if math.Float32bits(got[i]) != math.Float32bits(x) {
					t.Errorf("%s(%v) = %v, want it unchanged", d.act, x, got[i])
				}
			case ulps(got[i], want) > 3:
				t.Errorf("%s(%v) = %v, want %v", d.act, x, got[i], want)
			}
		}
	}
}
