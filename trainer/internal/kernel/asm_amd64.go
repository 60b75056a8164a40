//go:build !purego

package kernel

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:generate go run gen.go

const (
	// tileRows is the number of rows of c in a full microkernel tile.
	tileRows = 6
	// packDepth is how many rows of op(b) are packed at a time when b is
	// transposed; packDepth rows of the widest panel (256 bytes) are 32 KiB
	// of stack.
	packDepth = 128
)

// gemm32 runs Gemm on float32 with the widest vector kernels the CPU has,
// reporting false when it has none. Arguments are checked and m, n, k > 0.
//
// c is cut into panels of four ZMM or two YMM vectors of columns; each
// panel is swept by tiles of up to six rows, so one panel of b (k rows) is
// reused by every tile while it sits in cache. When b is transposed, each
// panel is first copied, packDepth rows of op(b) at a time, into a stack
// buffer in row-major order.
func gemm32(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) bool {
	return gemmVec(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc)
}

// gemm64 is gemm32 for float64.
func gemm64(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) bool {
	return gemmVec(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc)
}

func gemmVec[E float32 | float64](transA, transB bool, m, n, k int, a []E, lda int, b []E, ldb int, beta E, c []E, ldc int) bool {
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

// gemmAsm is gemmVec with the AVX-512 kernels or, when avx512 is false, the
// AVX2 ones.
func gemmAsm[E float32 | float64](avx512, transA, transB bool, m, n, k int, a []E, lda int, b []E, ldb int, beta E, c []E, ldc int) {
	if transB {
		gemmAsmPacked(avx512, transA, m, n, k, a, lda, b, ldb, beta, c, ldc)
		return
	}
	vlen, width := panelWidth[E](avx512)
	for j0 := 0; j0 < n; j0 += width {
		nc := min(width, n-j0)
		sweepRows(avx512, transA, m, nc, vlen, k, a, lda, &b[j0], ldb, beta, c[j0:], ldc)
	}
}

// gemmAsmPacked is gemmAsm for a transposed b: each panel of op(b) is
// copied, packDepth rows at a time, into a stack buffer in row-major order
// and swept from there. Only this path pays for zeroing the buffer.
func gemmAsmPacked[E float32 | float64](avx512, transA bool, m, n, k int, a []E, lda int, b []E, ldb int, beta E, c []E, ldc int) {
	vlen, width := panelWidth[E](avx512)
	var raw [packDepth * 64 * 4]byte // packDepth rows of the widest panel
	buf := unsafe.Slice((*E)(unsafe.Pointer(&raw[0])), packDepth*width)
	for j0 := 0; j0 < n; j0 += width {
		nc := min(width, n-j0)
		for p0 := 0; p0 < k; p0 += packDepth {
			kc := min(packDepth, k-p0)
			packT(buf[:kc*width], width, b[j0*ldb+p0:], ldb, nc, kc)
			bp := beta
			if p0 > 0 {
				bp = 1
			}
			ap := a[p0:]
			if transA {
				ap = a[p0*lda:]
			}
			sweepRows(avx512, transA, m, nc, vlen, kc, ap, lda, &buf[0], width, bp, c[j0:], ldc)
		}
	}
}

// panelWidth returns the elements per vector and the columns of c in one
// panel (the widest tile): four ZMM or two YMM vectors.
func panelWidth[E float32 | float64](avx512 bool) (vlen, width int) {
	var z E
	bytes := 32
	if avx512 {
		bytes = 64
	}
	vlen = bytes / int(unsafe.Sizeof(z))
	if avx512 {
		return vlen, 4 * vlen
	}
	return vlen, 2 * vlen
}

// sweepRows updates the m×nc panel c (leading dimension ldc) with
// op(a)·b over k, where a starts at op(a)[0, 0] and b points at the first
// row of a k×nc panel, in tiles of up to tileRows rows.
func sweepRows[E float32 | float64](avx512, transA bool, m, nc, vlen, k int, a []E, lda int, b *E, ldb int, beta E, c []E, ldc int) {
	var z E
	f := int(unsafe.Sizeof(z))
	nv, rem := vectors(nc, vlen)
	rs, ps := uintptr(lda*f), uintptr(f)
	if transA {
		rs, ps = uintptr(f), uintptr(lda*f)
	}
	ldbB, ldcB := uintptr(ldb*f), uintptr(ldc*f)
	for i0 := 0; i0 < m; i0 += tileRows {
		mr := min(tileRows, m-i0)
		ai := i0 * lda
		if transA {
			ai = i0
		}
		ap, cp := &a[ai], &c[i0*ldc]
		if f == 4 {
			a32, b32, c32 := (*float32)(unsafe.Pointer(ap)), (*float32)(unsafe.Pointer(b)), (*float32)(unsafe.Pointer(cp))
			if avx512 {
				gemmTileAVX512(mr, nv, k, a32, rs, ps, b32, ldbB, c32, ldcB, float32(beta), rem)
			} else {
				gemmTileAVX2(mr, nv, k, a32, rs, ps, b32, ldbB, c32, ldcB, float32(beta), rem)
			}
			continue
		}
		a64, b64, c64 := (*float64)(unsafe.Pointer(ap)), (*float64)(unsafe.Pointer(b)), (*float64)(unsafe.Pointer(cp))
		if avx512 {
			gemmTileAVX512F64(mr, nv, k, a64, rs, ps, b64, ldbB, c64, ldcB, float64(beta), rem)
		} else {
			gemmTileAVX2F64(mr, nv, k, a64, rs, ps, b64, ldbB, c64, ldcB, float64(beta), rem)
		}
	}
}

// csrMul32 runs CSRMul on float32 with AVX-512 or AVX2+FMA, reporting false
// with neither. Arguments are checked and m, n > 0.
func csrMul32(m, n int, indptr []int, indices []int32, values, b []float32, ldb int, beta float32, c []float32, ldc int) bool {
	switch {
	case cpu.X86.HasAVX512F:
		csrMulAsm(true, m, n, indptr, indices, values, b, ldb, beta, c, ldc)
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		csrMulAsm(false, m, n, indptr, indices, values, b, ldb, beta, c, ldc)
	default:
		return false
	}
	return true
}

// csrMulAsm does each row of c in chunks of columns (128 for AVX-512, 64
// for AVX2) held in registers while the entries of the row of a add their
// rows of b.
func csrMulAsm(avx512 bool, m, n int, indptr []int, indices []int32, values, b []float32, ldb int, beta float32, c []float32, ldc int) {
	var zero [1]float32 // stands in for b and the entries when a row has none
	for i := 0; i < m; i++ {
		lo, hi := indptr[i], indptr[i+1]
		idx, val := (*int32)(nil), &zero[0]
		if hi > lo {
			idx, val = &indices[lo], &values[lo]
		}
		step := 64
		if avx512 {
			step = 128
		}
		for j0 := 0; j0 < n; j0 += step {
			bp := &zero[0]
			if hi > lo {
				bp = &b[j0]
			}
			cp := &c[i*ldc+j0]
			switch {
			case !avx512:
				nv, rem := vectors(min(64, n-j0), 8)
				csrRowAVX2(nv, hi-lo, idx, val, bp, uintptr(ldb*4), cp, beta, rem)
			case n-j0 > 64:
				csrRowWideAVX512(hi-lo, idx, val, bp, uintptr(ldb*4), cp, beta, chunkMask(n-j0-64))
			default:
				csrRowAVX512(hi-lo, idx, val, bp, uintptr(ldb*4), cp, beta, chunkMask(n-j0))
			}
		}
	}
}

// csrTMul32 adds aᵀ·b to c (beta already applied) with AVX-512 or AVX2+FMA,
// reporting false with neither. Arguments are checked and m, n > 0.
func csrTMul32(m, n int, indptr []int, indices []int32, values, b []float32, ldb int, c []float32, ldc int) bool {
	switch {
	case cpu.X86.HasAVX512F:
		csrTMulAsm(true, m, n, indptr, indices, values, b, ldb, c, ldc)
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		csrTMulAsm(false, m, n, indptr, indices, values, b, ldb, c, ldc)
	default:
		return false
	}
	return true
}

// csrTMulAsm keeps a chunk of columns of row i of b (128 for AVX-512, 64 for
// AVX2) in registers while it is added to the rows of c named by row i of a.
func csrTMulAsm(avx512 bool, m, n int, indptr []int, indices []int32, values, b []float32, ldb int, c []float32, ldc int) {
	step := 64
	if avx512 {
		step = 128
	}
	for i := 0; i < m; i++ {
		lo, hi := indptr[i], indptr[i+1]
		if hi == lo {
			continue
		}
		for j0 := 0; j0 < n; j0 += step {
			idx, val, bp := &indices[lo], &values[lo], &b[i*ldb+j0]
			switch {
			case !avx512:
				nv, rem := vectors(min(64, n-j0), 8)
				csrTRowAVX2(nv, hi-lo, idx, val, bp, &c[j0], uintptr(ldc*4), rem)
			case n-j0 > 64:
				csrTRowWideAVX512(hi-lo, idx, val, bp, &c[j0], uintptr(ldc*4), chunkMask(n-j0-64))
			default:
				csrTRowAVX512(hi-lo, idx, val, bp, &c[j0], uintptr(ldc*4), chunkMask(n-j0))
			}
		}
	}
}

// vectors returns how many vectors of vlen lanes cover cols columns and how
// many columns the last one holds.
func vectors(cols, vlen int) (nv int, rem uint32) {
	nv = (cols + vlen - 1) / vlen
	return nv, uint32(cols - (nv-1)*vlen)
}

// chunkMask returns the bit mask of the live columns among the 64 of a chunk
// when cols columns remain.
func chunkMask(cols int) uint64 {
	if cols >= 64 {
		return ^uint64(0)
	}
	return 1<<uint(cols) - 1
}

// packT copies the kc×nc transpose of b (nc rows of kc elements, leading
// dimension ldb) into buf with leading dimension width:
// buf[p*width+j] = b[j*ldb+p]. Four rows of b at a time fill four adjacent
// elements of each row of buf.
func packT[E float32 | float64](buf []E, width int, b []E, ldb, nc, kc int) {
	j := 0
	for ; j+4 <= nc; j += 4 {
		r0 := b[j*ldb:][:kc]
		r1 := b[(j+1)*ldb:][:kc]
		r2 := b[(j+2)*ldb:][:kc]
		r3 := b[(j+3)*ldb:][:kc]
		o := j
		for p, x := range r0 {
			d := buf[o : o+4 : o+4]
			d[0], d[1], d[2], d[3] = x, r1[p], r2[p], r3[p]
			o += width
		}
	}
	for ; j < nc; j++ {
		o := j
		for _, x := range b[j*ldb:][:kc] {
			buf[o] = x
			o += width
		}
	}
}
