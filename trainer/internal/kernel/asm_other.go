//go:build !amd64 || purego

package kernel

// Without assembly every product takes the pure-Go path.

func gemm32(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) bool {
	return false
}

func gemm64(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) bool {
	return false
}

func csrMul32(m, n int, indptr []int, indices []int32, values, b []float32, ldb int, beta float32, c []float32, ldc int) bool {
	return false
}

func csrTMul32(m, n int, indptr []int, indices []int32, values, b []float32, ldb int, c []float32, ldc int) bool {
	return false
}
