// Package kernel holds the single-threaded dense and sparse matrix products
// that the MLP spends its time in. Every routine writes into a caller-supplied
// destination and never allocates, so training allocates nothing per batch.
//
// Matrices are row-major slices with an explicit leading dimension (the
// distance between the starts of two consecutive rows).
//
// On amd64 Gemm runs in assembly microkernels (AVX-512 or AVX2+FMA, chosen
// at run time), as do the float32 sparse products; the float64 sparse
// products, other architectures and builds with the purego tag use blocked
// pure-Go loops. Every routine is deterministic: the same inputs give
// bit-identical outputs on every call. The AVX-512 and AVX2 kernels do the
// same fused multiply-adds in the same order, so they agree bit for bit
// across x86 machines; the pure-Go loops round differently. The order of
// summation differs from the textbook loop, so results may differ from it in
// the last bits; unlike that loop, a zero in a does not skip the matching row
// of b, so an Inf or NaN in b reaches c as in BLAS.
//
// A shape that does not fit the slices (a leading dimension smaller than a
// row, a slice too short) panics with a message naming the argument, as a
// slice index out of range would.
package kernel

import (
	"fmt"
	"unsafe"
)

// Float is the element type of the kernels.
type Float interface{ ~float32 | ~float64 }

// Gemm computes c = op(a)·op(b) + beta·c, where op(x) is x or its transpose
// as transA and transB say. op(a) is m×k, op(b) is k×n and c is m×n.
// With beta == 0, c is overwritten and its previous contents (even NaN) are
// ignored.
func Gemm[T Float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernel.Gemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	if m == 0 || n == 0 {
		return
	}
	checkMat("Gemm", "c", m, n, len(c), ldc)
	if k == 0 {
		scaleRows(m, n, beta, c, ldc)
		return
	}
	if transA {
		checkMat("Gemm", "a", k, m, len(a), lda)
	} else {
		checkMat("Gemm", "a", m, k, len(a), lda)
	}
	if transB {
		checkMat("Gemm", "b", n, k, len(b), ldb)
	} else {
		checkMat("Gemm", "b", k, n, len(b), ldb)
	}
	if is32[T]() && gemm32(transA, transB, m, n, k, as32(a), lda, as32(b), ldb, float32(beta), as32(c), ldc) {
		return
	}
	if !is32[T]() && gemm64(transA, transB, m, n, k, as64(a), lda, as64(b), ldb, float64(beta), as64(c), ldc) {
		return
	}
	gemmGo(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc)
}

// CSRMul computes c = a·b + beta·c, where a is an m×k CSR matrix (indptr,
// indices, values), b is k×n dense and c is m×n dense.
func CSRMul[T Float](m, n int, indptr []int, indices []int32, values []T, b []T, ldb int, beta T, c []T, ldc int) {
	if m < 0 || n < 0 {
		panic(fmt.Sprintf("kernel.CSRMul: negative dimension m=%d n=%d", m, n))
	}
	if m == 0 || n == 0 {
		return
	}
	checkMat("CSRMul", "c", m, n, len(c), ldc)
	if len(indptr) < m+1 {
		panic(fmt.Sprintf("kernel.CSRMul: len(indptr)=%d, want at least m+1=%d", len(indptr), m+1))
	}
	if ldb < n {
		panic(fmt.Sprintf("kernel.CSRMul: ldb=%d < n=%d", ldb, n))
	}
	rows := checkCSR("CSRMul", m, indptr, indices, len(values))
	if rows > 0 {
		checkMat("CSRMul", "b", rows, n, len(b), ldb)
	}
	if is32[T]() && csrMul32(m, n, indptr, indices, as32(values), as32(b), ldb, float32(beta), as32(c), ldc) {
		return
	}
	csrMulGo(m, n, indptr, indices, values, b, ldb, beta, c, ldc)
}

// CSRTMul computes c = aᵀ·b + beta·c, where a is an m×k CSR matrix, b is m×n
// dense and c is k×n dense. Only the rows of c named by a's column indices
// change when beta == 1.
func CSRTMul[T Float](m, n, k int, indptr []int, indices []int32, values []T, b []T, ldb int, beta T, c []T, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernel.CSRTMul: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	if n == 0 || k == 0 && m == 0 {
		return
	}
	if k > 0 {
		checkMat("CSRTMul", "c", k, n, len(c), ldc)
	}
	if beta != 1 {
		scaleRows(k, n, beta, c, ldc)
	}
	if m == 0 {
		return
	}
	if len(indptr) < m+1 {
		panic(fmt.Sprintf("kernel.CSRTMul: len(indptr)=%d, want at least m+1=%d", len(indptr), m+1))
	}
	rows := checkCSR("CSRTMul", m, indptr, indices, len(values))
	if rows > k {
		panic(fmt.Sprintf("kernel.CSRTMul: column index %d out of range k=%d", rows-1, k))
	}
	if indptr[m] > indptr[0] {
		checkMat("CSRTMul", "b", m, n, len(b), ldb)
	}
	if is32[T]() && csrTMul32(m, n, indptr, indices, as32(values), as32(b), ldb, as32(c), ldc) {
		return
	}
	csrTMulGo(m, n, indptr, indices, values, b, ldb, c, ldc)
}

// checkMat panics unless a rows×cols matrix with leading dimension ld fits in
// a slice of length size. rows and cols are positive.
func checkMat(fn, name string, rows, cols, size, ld int) {
	if ld < cols {
		panic(fmt.Sprintf("kernel.%s: ld%s=%d < %d columns", fn, name, ld, cols))
	}
	if need := (rows-1)*ld + cols; size < need {
		panic(fmt.Sprintf("kernel.%s: len(%s)=%d, want at least %d for %d×%d with ld%s=%d",
			fn, name, size, need, rows, cols, name, ld))
	}
}

// checkCSR panics unless rows 0..m-1 of the CSR matrix are well formed:
// indptr non-decreasing within indices and values, column indices
// non-negative. It returns 1 + the largest column index (0 with no entries).
func checkCSR(fn string, m int, indptr []int, indices []int32, nvalues int) int {
	lo, hi := indptr[0], indptr[m]
	if lo < 0 || hi > len(indices) || hi > nvalues {
		panic(fmt.Sprintf("kernel.%s: indptr spans [%d,%d), have %d indices and %d values",
			fn, lo, hi, len(indices), nvalues))
	}
	for i := 0; i < m; i++ {
		if indptr[i+1] < indptr[i] {
			panic(fmt.Sprintf("kernel.%s: indptr[%d]=%d > indptr[%d]=%d", fn, i, indptr[i], i+1, indptr[i+1]))
		}
	}
	maxCol := int32(-1)
	for _, col := range indices[lo:hi] {
		if col < 0 {
			panic(fmt.Sprintf("kernel.%s: negative column index %d", fn, col))
		}
		maxCol = max(maxCol, col)
	}
	return int(maxCol) + 1
}

// scaleRows sets the m×n matrix c to beta·c, clearing it (NaN included)
// when beta == 0.
func scaleRows[T Float](m, n int, beta T, c []T, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(ci)
			continue
		}
		for j := range ci {
			ci[j] *= beta
		}
	}
}

// is32 reports whether T is (a named type over) float32; it folds to a
// constant in each instantiation.
func is32[T Float]() bool {
	var z T
	return unsafe.Sizeof(z) == 4
}

// as64 views s as []float64; call it only when !is32[T]().
func as64[T Float](s []T) []float64 {
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// as32 views s as []float32; call it only when is32[T]().
func as32[T Float](s []T) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}
