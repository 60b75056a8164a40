//go:build !purego

package trainer

import (
	"math"
	"math/rand/v2"
	"testing"

	"golang.org/x/sys/cpu"

	"github.com/sweep-ml/sweep/trainer/data"
)

// TestAdamVectorMatchesLoop checks that the AVX-512 and AVX2 Adam kernels
// give bit-identical parameters and moments to the Go loop over several steps,
// and that they flag a non-finite parameter.
func TestAdamVectorMatchesLoop(t *testing.T) {
	t.Parallel()
	type kern func(p, g, m, v *float32, n int, b1, c1, b2, c2, alpha, eps float32) float32
	kernels := []struct {
		name  string
		have  bool
		width int
		f     kern
	}{
		{"avx512", cpu.X86.HasAVX512F, 16, adamAVX512},
		{"avx2", cpu.X86.HasAVX2, 8, adamAVX2},
	}
	for _, k := range kernels {
		t.Run(k.name, func(t *testing.T) {
			if !k.have {
				t.Skipf("CPU lacks %s", k.name)
			}
			const n = 1000
			rng := rand.New(rand.NewPCG(1, 2))
			ref := &adam[float32]{lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-7, m: make([]float32, n), v: make([]float32, n), b1t: 1, b2t: 1}
			vec := &adam[float32]{lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-7, m: make([]float32, n), v: make([]float32, n), b1t: 1, b2t: 1}
			vec.vec = func(p, g, m, v []float32, b1, c1, b2, c2, alpha, eps float32) (int, float32) {
				w := len(p) &^ (k.width - 1)
				return w, k.f(&p[0], &g[0], &m[0], &v[0], w, b1, c1, b2, c2, alpha, eps)
			}
			p1, p2, g := make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range p1 {
				p1[i] = float32(rng.NormFloat64())
				p2[i] = p1[i]
			}
			for step := 0; step < 5; step++ {
				for i := range g {
					g[i] = float32(rng.NormFloat64() * 0.1)
				}
				b1, b2 := ref.step(p1, g), vec.step(p2, g)
				if b1 != 0 || b2 != 0 {
					t.Fatalf("step %d: finite check %v, %v", step, b1, b2)
				}
				for i := range p1 {
					if math.Float32bits(p1[i]) != math.Float32bits(p2[i]) || ref.m[i] != vec.m[i] || ref.v[i] != vec.v[i] {
						t.Fatalf("step %d, parameter %d: loop %v, vector %v", step, i, p1[i], p2[i])
					}
				}
			}
			p2[37] = float32(math.Inf(-1))
			if bad := vec.step(p2, g); bad == bad && bad == 0 {
				t.Errorf("infinite parameter not flagged (%v)", bad)
			}
		})
	}
}

// TestRMSpropVectorMatchesLoop is TestAdamVectorMatchesLoop for RMSprop.
func TestRMSpropVectorMatchesLoop(t *testing.T) {
	t.Parallel()
	type kern func(p, g, s *float32, n int, rho, c, lr, eps float32) float32
	kernels := []struct {
		name  string
		have  bool
		width int
		f     kern
	}{
		{"avx512", cpu.X86.HasAVX512F, 16, rmspropAVX512},
		{"avx2", cpu.X86.HasAVX2, 8, rmspropAVX2},
	}
	for _, k := range kernels {
		t.Run(k.name, func(t *testing.T) {
			if !k.have {
				t.Skipf("CPU lacks %s", k.name)
			}
			const n = 999
			rng := rand.New(rand.NewPCG(3, 4))
			ref := &rmsprop[float32]{lr: 0.01, rho: 0.9, eps: 1e-7, s: make([]float32, n)}
			vec := &rmsprop[float32]{lr: 0.01, rho: 0.9, eps: 1e-7, s: make([]float32, n)}
			vec.vec = func(p, g, s []float32, rho, c, lr, eps float32) (int, float32) {
				w := len(p) &^ (k.width - 1)
				return w, k.f(&p[0], &g[0], &s[0], w, rho, c, lr, eps)
			}
			p1, p2, g := make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range p1 {
				p1[i] = float32(rng.NormFloat64())
				p2[i] = p1[i]
			}
			for step := 0; step < 5; step++ {
				for i := range g {
					g[i] = float32(rng.NormFloat64() * 0.1)
				}
				if b1, b2 := ref.step(p1, g), vec.step(p2, g); b1 != 0 || b2 != 0 {
					t.Fatalf("step %d: finite check %v, %v", step, b1, b2)
				}
				for i := range p1 {
					if math.Float32bits(p1[i]) != math.Float32bits(p2[i]) || ref.s[i] != vec.s[i] {
						t.Fatalf("step %d, parameter %d: loop %v, vector %v", step, i, p1[i], p2[i])
					}
				}
			}
			p2[500] = float32(math.NaN())
			if bad := vec.step(p2, g); bad == 0 {
				t.Errorf("NaN parameter not flagged (%v)", bad)
			}
		})
	}
}

// TestSGDVectorMatchesLoop checks the AVX2 SGD kernel in its three modes
// against the Go loop, bit for bit.
func TestSGDVectorMatchesLoop(t *testing.T) {
	t.Parallel()
	if !cpu.X86.HasAVX2 {
		t.Skip("CPU lacks AVX2")
	}
	for _, c := range []struct {
		name     string
		momentum float32
		nesterov bool
	}{{"plain", 0, false}, {"momentum", 0.9, false}, {"nesterov", 0.9, true}} {
		t.Run(c.name, func(t *testing.T) {
			const n = 1001
			rng := rand.New(rand.NewPCG(5, 6))
			mk := func() *sgd[float32] {
				o := &sgd[float32]{lr: 0.05, momentum: c.momentum, nesterov: c.nesterov}
				if c.momentum != 0 {
					o.v = make([]float32, n)
				}
				return o
			}
			ref, vec := mk(), mk()
			vec.vec = sgdVec32
			p1, p2, g := make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range p1 {
				p1[i] = float32(rng.NormFloat64())
				p2[i] = p1[i]
			}
			for step := 0; step < 4; step++ {
				for i := range g {
					g[i] = float32(rng.NormFloat64())
				}
				if b1, b2 := ref.step(p1, g), vec.step(p2, g); b1 != 0 || b2 != 0 {
					t.Fatalf("step %d: finite check %v, %v", step, b1, b2)
				}
				for i := range p1 {
					if math.Float32bits(p1[i]) != math.Float32bits(p2[i]) || (ref.v != nil && ref.v[i] != vec.v[i]) {
						t.Fatalf("step %d, parameter %d: loop %v, vector %v", step, i, p1[i], p2[i])
					}
				}
			}
			p2[3] = float32(math.Inf(1))
			if bad := vec.step(p2, g); bad == 0 {
				t.Errorf("infinite parameter not flagged (%v)", bad)
			}
		})
	}
}

// TestRegularizeVectorMatchesLoop checks that the AVX2 L1/L2 kernel changes
// the gradients bit for bit as the Go loop does, zeros of both signs
// included, and that its penalty agrees to rounding.
func TestRegularizeVectorMatchesLoop(t *testing.T) {
	t.Parallel()
	if !cpu.X86.HasAVX2 {
		t.Skip("CPU lacks AVX2")
	}
	const n = 203
	rng := rand.New(rand.NewPCG(7, 8))
	w, g := make([]float32, n), make([]float32, n)
	for i := range w {
		w[i] = float32(rng.NormFloat64())
		g[i] = float32(rng.NormFloat64())
	}
	w[3], w[4], g[5] = 0, float32(math.Copysign(0, -1)), float32(math.Copysign(0, -1))
	for _, c := range []struct{ l1, l2 float64 }{{0.01, 0}, {0, 0.02}, {0.003, 0.0007}} {
		g1, g2 := append([]float32{}, g...), append([]float32{}, g...)
		p1 := regularize(w, g1, c.l1, c.l2)
		p2 := regularizeLoop(w, g2, c.l1, c.l2, 0, 0)
		for i := range g1 {
			if math.Float32bits(g1[i]) != math.Float32bits(g2[i]) {
				t.Fatalf("l1 %v l2 %v, gradient %d: vector %v, loop %v", c.l1, c.l2, i, g1[i], g2[i])
			}
		}
		if math.Abs(p1-p2) > 1e-12*math.Abs(p2) || p2 == 0 {
			t.Errorf("l1 %v l2 %v: penalty vector %v, loop %v", c.l1, c.l2, p1, p2)
		}
	}
}

// TestSameBitsWithoutAVX512 trains the same trials with AVX-512 and then with
// the AVX2 kernels only (the CPU flag switched off for the test) and requires
// bit-identical weights and history. It changes a process-wide flag, so it
// does not run in parallel.
func TestSameBitsWithoutAVX512(t *testing.T) {
	if !cpu.X86.HasAVX512F {
		t.Skip("CPU lacks AVX-512")
	}
	dense := blobs(300, 40, 4, 2, 31)
	sparse := sparseBlobs(300, 200, 3, 0.05, 32)
	cases := []struct {
		name string
		cfg  Config
		set  data.Set
		k    int
	}{
		{"dense adam l1 l2", Config{Layers: []int{48, 24}, Dropout: 0.25, L1: 1e-4, L2: 1e-3, Epochs: 3}, dense, 4},
		{"dense rmsprop", Config{Layers: []int{37}, Epochs: 3, Optimizer: OptimizerConfig{Name: OptimizerRMSprop}}, dense, 4},
		{"sparse sgd", Config{Layers: []int{40}, Dropout: 0.1, Epochs: 3,
			Optimizer: OptimizerConfig{Name: OptimizerSGD, Momentum: 0.9}}, sparse, 3},
	}
	for _, c := range cases {
		train := data.Set{X: c.set.X.SelectRows(seq(0, 240)), Y: c.set.Y[:240]}
		val := data.Set{X: c.set.X.SelectRows(seq(240, 300)), Y: c.set.Y[240:]}
		ref := trainFingerprint(t, c.cfg, train, val, c.k, 5)
		cpu.X86.HasAVX512F = false
		got := trainFingerprint(t, c.cfg, train, val, c.k, 5)
		cpu.X86.HasAVX512F = true
		if !sameFingerprint(ref, got) {
			t.Errorf("%s: AVX2 kernels train different bits from AVX-512 ones", c.name)
		}
	}
}

// TestAdam64VectorMatchesLoop is TestAdamVectorMatchesLoop for float64.
func TestAdam64VectorMatchesLoop(t *testing.T) {
	t.Parallel()
	type kern func(p, g, m, v *float64, n int, b1, c1, b2, c2, alpha, eps float64) float64
	for _, k := range []struct {
		name  string
		have  bool
		width int
		f     kern
	}{{"avx512", cpu.X86.HasAVX512F, 8, adam64AVX512}, {"avx2", cpu.X86.HasAVX2, 4, adam64AVX2}} {
		t.Run(k.name, func(t *testing.T) {
			if !k.have {
				t.Skipf("CPU lacks %s", k.name)
			}
			const n = 1003
			rng := rand.New(rand.NewPCG(9, 10))
			mk := func() *adam[float64] {
				return &adam[float64]{lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-7, m: make([]float64, n), v: make([]float64, n), b1t: 1, b2t: 1}
			}
			ref, vec := mk(), mk()
			vec.vec = func(p, g, m, v []float64, b1, c1, b2, c2, alpha, eps float64) (int, float64) {
				w := len(p) &^ (k.width - 1)
				return w, k.f(&p[0], &g[0], &m[0], &v[0], w, b1, c1, b2, c2, alpha, eps)
			}
			p1, p2, g := make([]float64, n), make([]float64, n), make([]float64, n)
			for i := range p1 {
				p1[i] = rng.NormFloat64()
				p2[i] = p1[i]
			}
			for step := 0; step < 5; step++ {
				for i := range g {
					g[i] = rng.NormFloat64() * 0.1
				}
				if b1, b2 := ref.step(p1, g), vec.step(p2, g); b1 != 0 || b2 != 0 {
					t.Fatalf("step %d: finite check %v, %v", step, b1, b2)
				}
				for i := range p1 {
					if math.Float64bits(p1[i]) != math.Float64bits(p2[i]) || ref.m[i] != vec.m[i] || ref.v[i] != vec.v[i] {
						t.Fatalf("step %d, parameter %d: loop %v, vector %v", step, i, p1[i], p2[i])
					}
				}
			}
			p2[11] = math.NaN()
			if bad := vec.step(p2, g); bad == 0 {
				t.Errorf("NaN parameter not flagged (%v)", bad)
			}
		})
	}
}
