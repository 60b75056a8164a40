package kernel_test

import (
	"fmt"

	"github.com/sweep-ml/sweep/trainer/internal/kernel"
)

// A forward step of a layer with two inputs and three units on a batch of
// two rows: z = x·w, then the weight gradient xᵀ·dz.
func ExampleGemm() {
	x := []float32{1, 2, 3, 4}        // 2×2
	w := []float32{1, 0, -1, 0, 1, 2} // 2×3
	z := make([]float32, 6)           // 2×3
	kernel.Gemm(false, false, 2, 3, 2, x, 2, w, 3, 0, z, 3)
	fmt.Println(z)

	dz := []float32{1, 1, 1, 0, 0, 1} // 2×3
	dw := make([]float32, 6)          // 2×3
	kernel.Gemm(true, false, 2, 3, 2, x, 2, dz, 3, 0, dw, 3)
	fmt.Println(dw)
	// By hand: z = [1·1+2·0, 1·0+2·1, 1·(-1)+2·2; 3·1+4·0, 3·0+4·1, 3·(-1)+4·2],
	// dw = 1·dz₀ + 3·dz₁ and 2·dz₀ + 4·dz₁.
	// Output:
	// [1 2 3 3 4 5]
	// [1 1 4 2 2 6]
}

// A sparse batch (CSR) of two rows over four features times 4×2 weights.
func ExampleCSRMul() {
	indptr := []int{0, 2, 3}
	indices := []int32{0, 3, 2}
	values := []float64{2, 1, -1}
	w := []float64{1, 2, 3, 4, 5, 6, 7, 8} // 4×2
	z := make([]float64, 4)                // 2×2
	kernel.CSRMul(2, 2, indptr, indices, values, w, 2, 0, z, 2)
	fmt.Println(z)
	// By hand: row 0 = 2·w₀ + 1·w₃ = [2+7, 4+8], row 1 = -1·w₂.
	// Output:
	// [9 12 -5 -6]
}
