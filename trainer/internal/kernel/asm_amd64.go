//go:build !purego

package kernel

import "golang.org/x/sys/cpu"

//go:generate go run gen.go

const (
	// tileRows is the number of rows of c in a full microkernel tile.
	tileRows = 6
	// packDepth is how many rows of op(b) are packed at a time when b is
	// transposed; packDepth × the widest panel (64) float32 is 32 KiB of stack.
	packDepth = 128
)

// gemm32 runs Gemm on float32 with the widest vector kernels the CPU has,
// reporting false when it has none. Arguments are checked and m, n, k > 0.
//
// c is cut into panels of w columns (four ZMM or two YMM vectors); each
// panel is swept by tiles of up to six rows, so one panel of b (k × w) is
// reused by every tile while it sits in cache. When b is transposed, each
// panel is first copied, packDepth rows of op(b) at a time, into a stack
// buffer in row-major order.
func gemm32(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) bool {
	switch {
	case cpu.X86.HasAVX512F:
		gemmAsm(true, transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc)
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		gemmAsm(false, transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc)
	default:
		return false
	}
	return true
}

// gemmAsm is gemm32 with the AVX-512 kernels or, when avx512 is false, the
// AVX2 ones.
func gemmAsm(avx512, transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	vlen, maxNV := 8, 2
	if avx512 {
		vlen, maxNV = 16, 4
	}
	// A direct call, not a func value, keeps buf on the stack.
	tile := func(mr, nv, k int, a *float32, rs, ps uintptr, b *float32, ldb uintptr, c *float32, ldc uintptr, beta float32, rem uint32) {
		if avx512 {
			gemmTileAVX512(mr, nv, k, a, rs, ps, b, ldb, c, ldc, beta, rem)
		} else {
			gemmTileAVX2(mr, nv, k, a, rs, ps, b, ldb, c, ldc, beta, rem)
		}
	}
	const f = 4 // bytes per float32
	width := vlen * maxNV
	rs, ps := uintptr(lda*f), uintptr(f)
	if transA {
		rs, ps = f, uintptr(lda*f)
	}
	// aRow returns op(a)[i, p0].
	aRow := func(i, p0 int) *float32 {
		if transA {
			return &a[p0*lda+i]
		}
		return &a[i*lda+p0]
	}
	var buf [packDepth * 64]float32
	for j0 := 0; j0 < n; j0 += width {
		nc := min(width, n-j0)
		nv := (nc + vlen - 1) / vlen
		rem := uint32(nc - (nv-1)*vlen)
		if !transB {
			for i0 := 0; i0 < m; i0 += tileRows {
				mr := min(tileRows, m-i0)
				tile(mr, nv, k, aRow(i0, 0), rs, ps, &b[j0], uintptr(ldb*f), &c[i0*ldc+j0], uintptr(ldc*f), beta, rem)
			}
			continue
		}
		for p0 := 0; p0 < k; p0 += packDepth {
			kc := min(packDepth, k-p0)
			// buf[p*width+j] = op(b)[p0+p, j0+j] = b[(j0+j)*ldb + p0+p].
			for j := 0; j < nc; j++ {
				row := b[(j0+j)*ldb+p0:][:kc]
				for p, x := range row {
					buf[p*width+j] = x
				}
			}
			bp := beta
			if p0 > 0 {
				bp = 1
			}
			for i0 := 0; i0 < m; i0 += tileRows {
				mr := min(tileRows, m-i0)
				tile(mr, nv, kc, aRow(i0, p0), rs, ps, &buf[0], uintptr(width*f), &c[i0*ldc+j0], uintptr(ldc*f), bp, rem)
			}
		}
	}
}

// csrMul32 runs CSRMul on float32 with AVX-512, reporting false without it.
// Arguments are checked and m, n > 0.
func csrMul32(m, n int, indptr []int, indices []int32, values, b []float32, ldb int, beta float32, c []float32, ldc int) bool {
	if !cpu.X86.HasAVX512F {
		return false
	}
	var zero [1]float32 // stands in for b when a row has no entries
	for i := 0; i < m; i++ {
		lo, hi := indptr[i], indptr[i+1]
		idx, val, bp := (*int32)(nil), (*float32)(nil), &zero[0]
		if hi > lo {
			idx, val, bp = &indices[lo], &values[lo], &b[0]
		}
		for j0 := 0; j0 < n; j0 += 64 {
			if hi > lo {
				bp = &b[j0]
			}
			csrRowAVX512(hi-lo, idx, val, bp, uintptr(ldb*4), &c[i*ldc+j0], beta, chunkMask(n-j0))
		}
	}
	return true
}

// csrTMul32 adds aᵀ·b to c (beta already applied) with AVX-512, reporting
// false without it. Arguments are checked and m, n > 0.
func csrTMul32(m, n int, indptr []int, indices []int32, values, b []float32, ldb int, c []float32, ldc int) bool {
	if !cpu.X86.HasAVX512F {
		return false
	}
	for i := 0; i < m; i++ {
		lo, hi := indptr[i], indptr[i+1]
		if hi == lo {
			continue
		}
		for j0 := 0; j0 < n; j0 += 64 {
			csrTRowAVX512(hi-lo, &indices[lo], &values[lo], &b[i*ldb+j0], &c[j0], uintptr(ldc*4), chunkMask(n-j0))
		}
	}
	return true
}

// chunkMask returns the bit mask of the live columns among the 64 of a chunk
// when cols columns remain.
func chunkMask(cols int) uint64 {
	if cols >= 64 {
		return ^uint64(0)
	}
	return 1<<uint(cols) - 1
}
