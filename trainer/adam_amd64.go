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

// adamVec32 updates the longest prefix of p the vector kernels handle and
// returns its length and its Σ p·0.
func adamVec32(p, g, m, v []float32, b1, c1, b2, c2, alpha, eps float32) (int, float32) {
	n := len(p)
	avx512 := cpu.X86.HasAVX512F
	switch {
	case avx512:
		n &^= 15
	case cpu.X86.HasAVX2:
		n &^= 7
	default:
		return 0, 0
	}
	if n == 0 {
		return 0, 0
	}
	g, m, v = g[:n], m[:n], v[:n] // panics here rather than overrunning in assembly
	if avx512 {
		return n, adamAVX512(&p[0], &g[0], &m[0], &v[0], n, b1, c1, b2, c2, alpha, eps)
	}
	return n, adamAVX2(&p[0], &g[0], &m[0], &v[0], n, b1, c1, b2, c2, alpha, eps)
}
