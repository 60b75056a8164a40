// Package kernel holds the single-threaded dense and sparse matrix products
// that the MLP spends its time in. Every routine writes into a caller-supplied
// destination and never allocates, so training allocates nothing per batch.
//
// Matrices are row-major slices with an explicit leading dimension (the
// distance between the starts of two consecutive rows).
package kernel

// Float is the element type of the kernels.
type Float interface{ ~float32 | ~float64 }

// Gemm computes c = op(a)·op(b) + beta·c, where op(x) is x or its transpose
// as transA and transB say. op(a) is m×k, op(b) is k×n and c is m×n.
// With beta == 0, c is overwritten and its previous contents (even NaN) are
// ignored.
func Gemm[T Float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(ci)
		} else if beta != 1 {
			for j := range ci {
				ci[j] *= beta
			}
		}
		for p := 0; p < k; p++ {
			var aip T
			if transA {
				aip = a[p*lda+i]
			} else {
				aip = a[i*lda+p]
			}
			if aip == 0 {
				continue
			}
			for j := 0; j < n; j++ {
				var bpj T
				if transB {
					bpj = b[j*ldb+p]
				} else {
					bpj = b[p*ldb+j]
				}
				ci[j] += aip * bpj
			}
		}
	}
}

// CSRMul computes c = a·b + beta·c, where a is an m×k CSR matrix (indptr,
// indices, values), b is k×n dense and c is m×n dense.
func CSRMul[T Float](m, n int, indptr []int, indices []int32, values []T, b []T, ldb int, beta T, c []T, ldc int) {
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(ci)
		} else if beta != 1 {
			for j := range ci {
				ci[j] *= beta
			}
		}
		for p := indptr[i]; p < indptr[i+1]; p++ {
			v := values[p]
			bp := b[int(indices[p])*ldb : int(indices[p])*ldb+n]
			for j := range ci {
				ci[j] += v * bp[j]
			}
		}
	}
}

// CSRTMul computes c = aᵀ·b + beta·c, where a is an m×k CSR matrix, b is m×n
// dense and c is k×n dense. Only the rows of c named by a's column indices
// change when beta == 1.
func CSRTMul[T Float](m, n, k int, indptr []int, indices []int32, values []T, b []T, ldb int, beta T, c []T, ldc int) {
	if beta != 1 {
		for r := 0; r < k; r++ {
			cr := c[r*ldc : r*ldc+n]
			if beta == 0 {
				clear(cr)
				continue
			}
			for j := range cr {
				cr[j] *= beta
			}
		}
	}
	for i := 0; i < m; i++ {
		bi := b[i*ldb : i*ldb+n]
		for p := indptr[i]; p < indptr[i+1]; p++ {
			v := values[p]
			cr := c[int(indices[p])*ldc : int(indices[p])*ldc+n]
			for j := range cr {
				cr[j] += v * bi[j]
			}
		}
	}
}
