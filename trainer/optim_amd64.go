//go:build !purego

package trainer

import "golang.org/x/sys/cpu"

// adamAVX512 and adamAVX2 apply the Adam update of adam.step to n float32
// parameters (n a multiple of 16, resp. 8) with the same operations in the
// same order (no fused multiply-add), so they round exactly like the Go loop,
// and return Σ p·0 over the updated parameters.
//
//go:noescape
func adamAVX512(p, grad, m, v *float32, n int, b1, c1, b2, c2, alpha, eps float32) (bad float32)

//go:noescape
func adamAVX2(p, grad, m, v *float32, n int, b1, c1, b2, c2, alpha, eps float32) (bad float32)

// adam64AVX512 and adam64AVX2 are adamAVX512 and adamAVX2 for float64 (n a
// multiple of 8, resp. 4).
//
//go:noescape
func adam64AVX512(p, grad, m, v *float64, n int, b1, c1, b2, c2, alpha, eps float64) (bad float64)

//go:noescape
func adam64AVX2(p, grad, m, v *float64, n int, b1, c1, b2, c2, alpha, eps float64) (bad float64)

// adamVec64 is adamVec32 for float64.
func adamVec64(p, g, m, v []float64, b1, c1, b2, c2, alpha, eps float64) (int, float64) {
	w, avx512 := vecWidth()
	w /= 2
	n := len(p)
	if w == 0 || n < w {
		return 0, 0
	}
	n &^= w - 1
	g, m, v = g[:n], m[:n], v[:n]
	if avx512 {
		return n, adam64AVX512(&p[0], &g[0], &m[0], &v[0], n, b1, c1, b2, c2, alpha, eps)
	}
	return n, adam64AVX2(&p[0], &g[0], &m[0], &v[0], n, b1, c1, b2, c2, alpha, eps)
}

// rmspropAVX512 and rmspropAVX2 are the RMSprop update of rmsprop.step on n
// float32 parameters (n a multiple of 16, resp. 8), rounding like the Go
// loop; c is 1 − rho.
//
//go:noescape
func rmspropAVX512(p, grad, s *float32, n int, rho, c, lr, eps float32) (bad float32)

//go:noescape
func rmspropAVX2(p, grad, s *float32, n int, rho, c, lr, eps float32) (bad float32)

// sgdAVX2 is the SGD update of sgd.step on n float32 parameters (n a
// multiple of 8), rounding like the Go loop; mode is 0 (plain), 1 (momentum)
// or 2 (Nesterov), and v is unused in mode 0.
//
//go:noescape
func sgdAVX2(p, grad, v *float32, n int, lr, mu float32, mode int) (bad float32)

// sgdVec32 updates the longest prefix of p the vector kernel handles and
// returns its length and its Σ p·0; v is nil without momentum.
func sgdVec32(p, g, v []float32, lr, mu float32, nesterov bool) (int, float32) {
	n := len(p) &^ 7
	if !cpu.X86.HasAVX2 || n == 0 {
		return 0, 0
	}
	g = g[:n]
	mode, vp := 0, &g[0] // vp is not read in mode 0
	if v != nil {
		v = v[:n]
		mode, vp = 1, &v[0]
		if nesterov {
			mode = 2
		}
	}
	return n, sgdAVX2(&p[0], &g[0], vp, n, lr, mu, mode)
}

// regAVX2 adds the L1 (mode bit 1) and L2 (mode bit 2) gradients to grad
// for n float32 kernel weights (n a multiple of 8), with the same roundings
// as regularize, and returns Σ|w| and Σw² in float64 (summed four lanes
// at a time, so their last bits differ from penaltyOf's).
//
//go:noescape
func regAVX2(w, grad *float32, n int, l1, l2x2 float32, mode int) (abs, sq float64)

// regVec32 runs regAVX2 on the longest prefix it handles and returns its
// length and sums.
func regVec32(w, g []float32, l1, l2 float64) (int, float64, float64) {
	n := len(w) &^ 7
	if !cpu.X86.HasAVX2 || n == 0 {
		return 0, 0, 0
	}
	g = g[:n]
	mode := 0
	if l1 != 0 {
		mode |= 1
	}
	if l2 != 0 {
		mode |= 2
	}
	abs, sq := regAVX2(&w[0], &g[0], n, float32(l1), float32(2*l2), mode)
	return n, abs, sq
}

// vecWidth returns how many float32 lanes the widest usable kernel handles
// (0: none) and whether it is the AVX-512 one.
func vecWidth() (int, bool) {
	switch {
	case cpu.X86.HasAVX512F:
		return 16, true
	case cpu.X86.HasAVX2:
		return 8, false
	}
	return 0, false
}

// rmspropVec32 updates the longest prefix of p the vector kernels handle and
// returns its length and its Σ p·0.
func rmspropVec32(p, g, s []float32, rho, c, lr, eps float32) (int, float32) {
	w, avx512 := vecWidth()
	n := len(p)
	if w == 0 || n < w {
		return 0, 0
	}
	n &^= w - 1
	g, s = g[:n], s[:n]
	if avx512 {
		return n, rmspropAVX512(&p[0], &g[0], &s[0], n, rho, c, lr, eps)
	}
	return n, rmspropAVX2(&p[0], &g[0], &s[0], n, rho, c, lr, eps)
}

// adamVec32 updates the longest prefix of p the vector kernels handle and
// returns its length and its Σ p·0.
func adamVec32(p, g, m, v []float32, b1, c1, b2, c2, alpha, eps float32) (int, float32) {
	w, avx512 := vecWidth()
	n := len(p)
	if w == 0 || n < w {
		return 0, 0
	}
	n &^= w - 1
	g, m, v = g[:n], m[:n], v[:n] // panics here rather than overrunning in assembly
	if avx512 {
		return n, adamAVX512(&p[0], &g[0], &m[0], &v[0], n, b1, c1, b2, c2, alpha, eps)
	}
	return n, adamAVX2(&p[0], &g[0], &m[0], &v[0], n, b1, c1, b2, c2, alpha, eps)
}
