package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// mlpShape is one product of an MLP training step, 784 → 128 → 10, on a
// batch of m rows.
type mlpShape struct {
	name           string
	transA, transB bool
	m, n, k        int
}

func mlpShapes(m int) []mlpShape {
	return []mlpShape{
		{"Z1=X·W1", false, false, m, 128, 784},
		{"Z2=H·W2", false, false, m, 10, 128},
		{"dW2=Hᵀ·dZ2", true, false, 128, 10, m},
		{"dH=dZ2·W2ᵀ", false, true, m, 128, 10},
		{"dW1=Xᵀ·dZ1", true, false, 784, 128, m},
	}
}

// gemmVariant is one float32 Gemm implementation under benchmark.
type gemmVariant struct {
	name string
	gemm func(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
}

// csrVariant is one float32 pair of sparse kernels under benchmark; tmul
// adds to c (beta 1).
type csrVariant struct {
	name string
	mul  func(m, n int, indptr []int, indices []int32, values, b []float32, ldb int, beta float32, c []float32, ldc int)
	tmul func(m, n int, indptr []int, indices []int32, values, b []float32, ldb int, c []float32, ldc int)
}

// runFlops runs body b.N times and reports GFLOP/s over wall time and, where
// the OS gives it, over the process's CPU time ("GFLOP/s-cpu"), which leaves
// out the time spent waiting for a CPU shared with other jobs. Run with
// -cpu 1: with more threads at work the CPU time adds up across them.
func runFlops(b *testing.B, flops float64, body func()) {
	t0, ok := processCPU()
	for b.Loop() {
		body()
	}
	t1, _ := processCPU()
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if ok && t1 > t0 {
		b.ReportMetric(flops*float64(b.N)/float64(t1-t0), "GFLOP/s-cpu")
	}
}

// BenchmarkGemm runs every product of a training step at batch 32 and 128
// in float32 through Gemm (f32), the pure-Go path (f32-purego), any other
// assembly path the CPU has, and gonum's blas32.Gemm (f32-gonum, the peer:
// Go with SSE assembly for its inner loops; run with -cpu 1, since gonum
// splits large products over goroutines), then in float64 through Gemm.
func BenchmarkGemm(b *testing.B) {
	variants := []gemmVariant{{"f32", Gemm[float32]}, {"f32-purego", gemmGo[float32]}}
	variants = append(variants, extraGemm32()...)
	for _, batch := range []int{32, 128} {
		for _, s := range mlpShapes(batch) {
			rng := rand.New(rand.NewPCG(1, 1))
			g := newGemmCase(rng, s.transA, s.transB, s.m, s.n, s.k, 0, 0)
			a, bb, c := convert[float32](g.a), convert[float32](g.b), convert[float32](g.c)
			flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
			name := fmt.Sprintf("m=%d/%s", batch, s.name)
			for _, v := range variants {
				b.Run(name+"/"+v.name, func(b *testing.B) {
					runFlops(b, flops, func() {
						v.gemm(g.transA, g.transB, g.m, g.n, g.k, a, g.lda, bb, g.ldb, 0, c, g.ldc)
					})
				})
			}
			b.Run(name+"/f32-gonum", func(b *testing.B) {
				ar, ac := g.m, g.k
				if g.transA {
					ar, ac = g.k, g.m
				}
				br, bc := g.k, g.n
				if g.transB {
					br, bc = g.n, g.k
				}
				ga := blas32.General{Rows: ar, Cols: ac, Stride: g.lda, Data: a}
				gb := blas32.General{Rows: br, Cols: bc, Stride: g.ldb, Data: bb}
				gc := blas32.General{Rows: g.m, Cols: g.n, Stride: g.ldc, Data: c}
				tA, tB := blas.NoTrans, blas.NoTrans
				if g.transA {
					tA = blas.Trans
				}
				if g.transB {
					tB = blas.Trans
				}
				runFlops(b, flops, func() { blas32.Gemm(tA, tB, 1, ga, gb, 0, gc) })
			})
			a64, b64, c64 := convert[float64](g.a), convert[float64](g.b), convert[float64](g.c)
			b.Run(name+"/f64", func(b *testing.B) {
				runFlops(b, flops, func() {
					Gemm(g.transA, g.transB, g.m, g.n, g.k, a64, g.lda, b64, g.ldb, 0, c64, g.ldc)
				})
			})
		}
	}
}

// BenchmarkCSR runs the sparse first layer of the text model: a batch of m
// rows of a 5,000-column CSR matrix with 1.5 % non-zeros times 5000×128
// weights (CSRMul) and the weight gradient aᵀ·dZ (CSRTMul).
func BenchmarkCSR(b *testing.B) {
	const n, k, density = 128, 5000, 0.015
	for _, m := range []int{32, 128} {
		rng := rand.New(rand.NewPCG(2, 2))
		s := newCSRCase(rng, m, n, k, density, 0)
		values := convert[float32](s.values)
		bb, c := convert[float32](s.b), convert[float32](s.c)
		bt, ct := convert[float32](s.bt), convert[float32](s.ct)
		flops := 2 * float64(len(s.values)) * n
		b.Run(fmt.Sprintf("m=%d/CSRMul/f32", m), func(b *testing.B) {
			runFlops(b, flops, func() { CSRMul(m, n, s.indptr, s.indices, values, bb, s.ldb, 0, c, s.ldc) })
		})
		b.Run(fmt.Sprintf("m=%d/CSRMul/f32-purego", m), func(b *testing.B) {
			runFlops(b, flops, func() { csrMulGo(m, n, s.indptr, s.indices, values, bb, s.ldb, 0, c, s.ldc) })
		})
		// beta == 1 so that the time is the product, not clearing 5000×128.
		b.Run(fmt.Sprintf("m=%d/CSRTMul/f32", m), func(b *testing.B) {
			runFlops(b, flops, func() { CSRTMul(m, n, k, s.indptr, s.indices, values, bt, s.ldbt, 1, ct, s.ldct) })
		})
		b.Run(fmt.Sprintf("m=%d/CSRTMul/f32-purego", m), func(b *testing.B) {
			runFlops(b, flops, func() { csrTMulGo(m, n, s.indptr, s.indices, values, bt, s.ldbt, ct, s.ldct) })
		})
		for _, v := range extraCSR32() {
			b.Run(fmt.Sprintf("m=%d/CSRMul/%s", m, v.name), func(b *testing.B) {
				runFlops(b, flops, func() { v.mul(m, n, s.indptr, s.indices, values, bb, s.ldb, 0, c, s.ldc) })
			})
			b.Run(fmt.Sprintf("m=%d/CSRTMul/%s", m, v.name), func(b *testing.B) {
				runFlops(b, flops, func() { v.tmul(m, n, s.indptr, s.indices, values, bt, s.ldbt, ct, s.ldct) })
			})
		}
	}
}
