//go:build !purego

package kernel

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/sys/cpu"
)

// TestGemmAsmLevels runs each assembly kernel set the CPU supports, whichever
// one Gemm picks, against the float64 reference.
func TestGemmAsmLevels(t *testing.T) {
	t.Parallel()
	levels := []struct {
		name   string
		avx512 bool
		ok     bool
	}{
		{"AVX2", false, cpu.X86.HasAVX2 && cpu.X86.HasFMA},
		{"AVX512", true, cpu.X86.HasAVX512F},
	}
	rng := rand.New(rand.NewPCG(12, 13))
	shapes := [][3]int{{1, 1, 1}, {6, 16, 3}, {7, 17, 9}, {13, 65, 130}, {32, 128, 40}, {5, 10, 257}}
	for range 40 {
		shapes = append(shapes, [3]int{1 + rng.IntN(70), 1 + rng.IntN(140), 1 + rng.IntN(140)})
	}
	for _, lv := range levels {
		if !lv.ok {
			t.Logf("%s: CPU lacks it, skipped", lv.name)
			continue
		}
		for _, s := range shapes {
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				for _, beta := range []float64{0, 1, 0.5} {
					g := newGemmCase(rng, tr[0], tr[1], s[0], s[1], s[2], 3, beta)
					checkAsm[float32](t, lv.name+" float32 "+g.String(), lv.avx512, g)
					checkAsm[float64](t, lv.name+" float64 "+g.String(), lv.avx512, g)
				}
			}
		}
	}
}

func checkAsm[E float32 | float64](t *testing.T, name string, avx512 bool, g gemmCase) {
	t.Helper()
	a, b, c := convert[E](g.a), convert[E](g.b), convert[E](g.c)
	gemmAsm(avx512, g.transA, g.transB, g.m, g.n, g.k, a, g.lda, b, g.ldb, E(g.beta), c, g.ldc)
	want, scale := refGemm[E](g)
	checkClose(t, name, g.k, c, want, scale)
}

// TestGeneratedUpToDate regenerates the kernels and compares them with the
// committed files, so that gen.go and its output cannot drift apart.
func TestGeneratedUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go tool")
	}
	t.Parallel()
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	dir := t.TempDir()
	out, err := exec.Command(gotool, "run", "gen.go", "-dir", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("go run gen.go: %v\n%s", err, out)
	}
	for _, name := range []string{"kernels_amd64.s", "kernels_amd64.go"} {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what gen.go writes; run go generate", name)
		}
	}
}

// extraGemm32 lists float32 Gemm paths to benchmark besides Gemm and
// gemmGo: the AVX2 kernels, when the CPU has AVX-512 and Gemm would not pick
// them.
func extraGemm32() []gemmVariant {
	if !cpu.X86.HasAVX512F || !cpu.X86.HasAVX2 || !cpu.X86.HasFMA {
		return nil
	}
	return []gemmVariant{{"f32-avx2", gemmAsmAVX2[float32]}}
}

// extraCSR32 lists sparse float32 paths to benchmark besides CSRMul,
// CSRTMul and the pure-Go ones: the AVX2 kernels on CPUs with AVX-512.
func extraCSR32() []csrVariant {
	if !cpu.X86.HasAVX512F || !cpu.X86.HasAVX2 || !cpu.X86.HasFMA {
		return nil
	}
	return []csrVariant{{
		name: "f32-avx2",
		mul: func(m, n int, indptr []int, indices []int32, values, b []float32, ldb int, beta float32, c []float32, ldc int) {
			csrMulAsm(false, m, n, indptr, indices, values, b, ldb, beta, c, ldc)
		},
		tmul: func(m, n int, indptr []int, indices []int32, values, b []float32, ldb int, c []float32, ldc int) {
			csrTMulAsm(false, m, n, indptr, indices, values, b, ldb, c, ldc)
		},
	}}
}

func gemmAsmAVX2[E float32 | float64](transA, transB bool, m, n, k int, a []E, lda int, b []E, ldb int, beta E, c []E, ldc int) {
	gemmAsm(false, transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc)
}

// BenchmarkTileL1 runs the full 6-row × 4-vector AVX-512 tile (and the
// 6 × 2 AVX2 one) on operands that stay in L1: the ceiling Gemm can reach on
// this machine, to read the MLP figures against.
func BenchmarkTileL1(b *testing.B) {
	const k = 100
	a := make([]float32, 6*k)
	bb := make([]float32, k*64)
	c := make([]float32, 6*64)
	if cpu.X86.HasAVX512F {
		b.Run("AVX512-6x4", func(b *testing.B) {
			runFlops(b, 2*6*64*k, func() {
				gemmAVX512_6x4(k, &a[0], 4*k, 4, &bb[0], 256, &c[0], 256, 0, 16)
			})
		})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		b.Run("AVX2-6x2", func(b *testing.B) {
			runFlops(b, 2*6*16*k, func() {
				gemmAVX2_6x2(k, &a[0], 4*k, 4, &bb[0], 256, &c[0], 256, 0, 8)
			})
		})
	}
}

// TestGemmAsmLevelsBitIdentical checks that the AVX2 and AVX-512 kernels
// give the same bits: both sum each element over p in order with one FMA per
// term and add beta·c last, so a trial reproduces across x86 machines.
func TestGemmAsmLevelsBitIdentical(t *testing.T) {
	t.Parallel()
	if !cpu.X86.HasAVX512F || !cpu.X86.HasAVX2 || !cpu.X86.HasFMA {
		t.Skip("needs both AVX-512 and AVX2+FMA")
	}
	rng := rand.New(rand.NewPCG(14, 15))
	for range 60 {
		m, n, k := 1+rng.IntN(40), 1+rng.IntN(140), 1+rng.IntN(300)
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			beta := []float64{0, 1, 0.5}[rng.IntN(3)]
			g := newGemmCase(rng, tr[0], tr[1], m, n, k, 2, beta)
			sameBits[float32](t, g)
			sameBits[float64](t, g)
		}
	}
}

func sameBits[E float32 | float64](t *testing.T, g gemmCase) {
	t.Helper()
	a, b := convert[E](g.a), convert[E](g.b)
	c512, c2 := convert[E](g.c), convert[E](g.c)
	gemmAsm(true, g.transA, g.transB, g.m, g.n, g.k, a, g.lda, b, g.ldb, E(g.beta), c512, g.ldc)
	gemmAsm(false, g.transA, g.transB, g.m, g.n, g.k, a, g.lda, b, g.ldb, E(g.beta), c2, g.ldc)
	checkSame(t, g.String(), c512, c2)
}

// TestCSRAsmLevels runs the AVX2 and AVX-512 sparse kernels against the
// float64 reference and checks that the two give identical bits.
func TestCSRAsmLevels(t *testing.T) {
	t.Parallel()
	if !cpu.X86.HasAVX2 || !cpu.X86.HasFMA {
		t.Skip("needs AVX2+FMA")
	}
	both := cpu.X86.HasAVX512F
	rng := rand.New(rand.NewPCG(16, 17))
	for range 60 {
		m, n, k := rng.IntN(40), 1+rng.IntN(200), 1+rng.IntN(80)
		beta := []float64{0, 1, 0.5}[rng.IntN(3)]
		s := newCSRCase(rng, m, n, k, []float64{0.02, 0.3, 1}[rng.IntN(3)], beta)
		values := convert[float32](s.values)

		run := func(avx512 bool) []float32 {
			c := convert[float32](s.c)
			csrMulAsm(avx512, s.m, s.n, s.indptr, s.indices, values, convert[float32](s.b), s.ldb, float32(beta), c, s.ldc)
			return c
		}
		g := gemmCase{m: s.m, n: s.n, k: s.k, lda: s.k, ldb: s.ldb, ldc: s.ldc, beta: beta, a: s.dense(), b: s.b, c: s.c}
		want, scale := refGemm[float32](g)
		got := run(false)
		checkClose(t, "AVX2 CSRMul "+s.String(), s.k, got, want, scale)
		if both {
			checkSame(t, "CSRMul AVX2 vs AVX-512 "+s.String(), got, run(true))
		}

		runT := func(avx512 bool) []float32 {
			c := convert[float32](s.ct)
			scaleRows(s.k, s.n, float32(beta), c, s.ldct)
			csrTMulAsm(avx512, s.m, s.n, s.indptr, s.indices, values, convert[float32](s.bt), s.ldbt, c, s.ldct)
			return c
		}
		gt := gemmCase{transA: true, m: s.k, n: s.n, k: s.m, lda: s.k, ldb: s.ldbt, ldc: s.ldct, beta: beta, a: s.dense(), b: s.bt, c: s.ct}
		want, scale = refGemm[float32](gt)
		got = runT(false)
		checkClose(t, "AVX2 CSRTMul "+s.String(), s.m, got, want, scale)
		if both {
			checkSame(t, "CSRTMul AVX2 vs AVX-512 "+s.String(), got, runT(true))
		}
	}
}
