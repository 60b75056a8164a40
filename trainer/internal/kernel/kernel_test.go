package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// named32 checks that a named float type takes the same paths as float32.
type named32 float32

// gemmCase is one Gemm problem: shapes, strides and operands stored as
// float64 so that every element type can be filled from it.
type gemmCase struct {
	transA, transB bool
	m, n, k        int
	lda, ldb, ldc  int
	beta           float64
	a, b, c        []float64
}

func (g gemmCase) String() string {
	return fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d lda=%d ldb=%d ldc=%d beta=%v",
		g.transA, g.transB, g.m, g.n, g.k, g.lda, g.ldb, g.ldc, g.beta)
}

// newGemmCase draws operands for the given shape with leading dimensions
// padded by up to pad elements; with beta == 0 c is filled with NaN, which
// the kernels must ignore.
func newGemmCase(rng *rand.Rand, transA, transB bool, m, n, k, pad int, beta float64) gemmCase {
	g := gemmCase{transA: transA, transB: transB, m: m, n: n, k: k, beta: beta}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	g.lda = ac + rng.IntN(pad+1)
	g.ldb = bc + rng.IntN(pad+1)
	g.ldc = n + rng.IntN(pad+1)
	g.a = randSlice(rng, ar*g.lda)
	g.b = randSlice(rng, br*g.ldb)
	g.c = randSlice(rng, m*g.ldc)
	if beta == 0 {
		for i := range g.c {
			g.c[i] = math.NaN()
		}
	}
	return g
}

func randSlice(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = 2*rng.Float64() - 1
		if rng.IntN(8) == 0 {
			s[i] = 0 // zeros, like ReLU outputs and pixel data
		}
	}
	return s
}

func convert[T Float](s []float64) []T {
	out := make([]T, len(s))
	for i, v := range s {
		out[i] = T(v)
	}
	return out
}

// refGemm is the textbook product in float64 on the values as rounded to T.
// It returns c and, per element, the bound Σ|a||b| + |beta·c| that scales
// the rounding error allowed.
func refGemm[T Float](g gemmCase) (want, scale []float64) {
	a, b, c := convert[T](g.a), convert[T](g.b), convert[T](g.c)
	want = make([]float64, len(c))
	scale = make([]float64, len(c))
	for i := range c {
		want[i] = float64(c[i]) // padding stays as it was
	}
	for i := 0; i < g.m; i++ {
		for j := 0; j < g.n; j++ {
			var s, abs float64
			for p := 0; p < g.k; p++ {
				var x, y float64
				if g.transA {
					x = float64(a[p*g.lda+i])
				} else {
					x = float64(a[i*g.lda+p])
				}
				if g.transB {
					y = float64(b[j*g.ldb+p])
				} else {
					y = float64(b[p*g.ldb+j])
				}
				s += x * y
				abs += math.Abs(x * y)
			}
			if g.beta != 0 {
				old := float64(T(g.beta)) * float64(c[i*g.ldc+j])
				s += old
				abs += math.Abs(old)
			}
			want[i*g.ldc+j] = s
			scale[i*g.ldc+j] = abs
		}
	}
	return want, scale
}

func epsOf[T Float]() float64 {
	if is32[T]() {
		return 0x1p-23
	}
	return 0x1p-52
}

// checkClose fails unless got matches want within (k+2)·eps·scale per
// element and matches bit for bit where scale is 0 (untouched padding).
func checkClose[T Float](t *testing.T, name string, k int, got []T, want, scale []float64) {
	t.Helper()
	eps := epsOf[T]()
	bad := 0
	for i := range got {
		g, w := float64(got[i]), want[i]
		var ok bool
		if math.IsNaN(w) {
			ok = math.IsNaN(g)
		} else {
			ok = math.Abs(g-w) <= float64(k+2)*eps*scale[i]
		}
		if !ok {
			if bad < 5 {
				t.Errorf("%s: element %d = %v, want %v (scale %v)", name, i, g, w, scale[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d elements wrong", name, bad, len(got))
	}
}

func runGemm[T Float](g gemmCase) []T {
	a, b, c := convert[T](g.a), convert[T](g.b), convert[T](g.c)
	Gemm(g.transA, g.transB, g.m, g.n, g.k, a, g.lda, b, g.ldb, T(g.beta), c, g.ldc)
	return c
}

func testGemmType[T Float](t *testing.T, g gemmCase) {
	t.Helper()
	want, scale := refGemm[T](g)
	got := runGemm[T](g)
	checkClose(t, g.String(), g.k, got, want, scale)
	again := runGemm[T](g)
	for i := range got {
		if math.Float64bits(float64(got[i])) != math.Float64bits(float64(again[i])) {
			t.Fatalf("%s: second call differs at %d: %v then %v", g, i, got[i], again[i])
		}
	}
}

func TestGemmShapes(t *testing.T) {
	t.Parallel()
	// Edge shapes first, then random ones.
	shapes := [][3]int{
		{0, 0, 0}, {0, 5, 3}, {5, 0, 3}, {5, 3, 0}, {1, 1, 1}, {1, 17, 1}, {6, 64, 1},
		{7, 65, 9}, {12, 128, 33}, {13, 10, 128}, {32, 128, 70}, {5, 16, 2}, {6, 48, 5},
		{2, 130, 257}, {1, 200, 3}, {66, 1, 4},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 60 {
		shapes = append(shapes, [3]int{rng.IntN(71), rng.IntN(71), rng.IntN(71)})
	}
	for _, s := range shapes {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			for _, beta := range []float64{0, 1, 0.5} {
				g := newGemmCase(rng, tr[0], tr[1], s[0], s[1], s[2], 3, beta)
				testGemmType[float32](t, g)
				testGemmType[float64](t, g)
			}
		}
	}
	// A named element type and minimal leading dimensions.
	g := newGemmCase(rng, false, false, 9, 33, 17, 0, 0.5)
	testGemmType[named32](t, g)
}

// TestGemmAgreesWithGo checks the dispatched float32 path (assembly where
// the CPU has it) against the pure-Go path on the trainer's shapes.
func TestGemmAgreesWithGo(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range mlpShapes(32) {
		g := newGemmCase(rng, s.transA, s.transB, s.m, s.n, s.k, 0, 0)
		a, b := convert[float32](g.a), convert[float32](g.b)
		got := convert[float32](g.c)
		ref := convert[float32](g.c)
		Gemm(g.transA, g.transB, g.m, g.n, g.k, a, g.lda, b, g.ldb, 0, got, g.ldc)
		gemmGo(g.transA, g.transB, g.m, g.n, g.k, a, g.lda, b, g.ldb, 0, ref, g.ldc)
		want, scale := refGemm[float32](g)
		checkClose(t, s.name+" dispatched", g.k, got, want, scale)
		checkClose(t, s.name+" pure Go", g.k, ref, want, scale)
		eps := epsOf[float32]()
		for i := range got {
			if d := math.Abs(float64(got[i]) - float64(ref[i])); d > 2*float64(g.k+2)*eps*scale[i] {
				t.Fatalf("%s: element %d: dispatched %v, pure Go %v", s.name, i, got[i], ref[i])
			}
		}
	}
}

func TestGemmNoAlloc(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		g := newGemmCase(rng, tr[0], tr[1], 33, 130, 40, 2, 0.5)
		a, b, c := convert[float32](g.a), convert[float32](g.b), convert[float32](g.c)
		a64, b64, c64 := convert[float64](g.a), convert[float64](g.b), convert[float64](g.c)
		allocs := testing.AllocsPerRun(10, func() {
			Gemm(g.transA, g.transB, g.m, g.n, g.k, a, g.lda, b, g.ldb, 0.5, c, g.ldc)
			Gemm(g.transA, g.transB, g.m, g.n, g.k, a64, g.lda, b64, g.ldb, 0.5, c64, g.ldc)
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per call, want 0", g, allocs)
		}
	}
}

func TestGemmPanicsOnBadShape(t *testing.T) {
	t.Parallel()
	buf := make([]float32, 20)
	tests := []struct {
		name, want string
		call       func()
	}{
		{"negative m", "negative dimension", func() { Gemm(false, false, -1, 2, 2, buf, 2, buf, 2, 0, buf, 2) }},
		{"short a", "len(a)=3", func() { Gemm(false, false, 2, 2, 2, buf[:3], 2, buf, 2, 0, buf, 2) }},
		{"small lda", "lda=1", func() { Gemm(false, false, 2, 2, 2, buf, 1, buf, 2, 0, buf, 2) }},
		{"short b transposed", "len(b)=5", func() { Gemm(false, true, 2, 3, 2, buf, 2, buf[:5], 2, 0, buf, 3) }},
		{"small ldc", "ldc=2", func() { Gemm(false, false, 2, 3, 2, buf, 2, buf, 3, 0, buf, 2) }},
		{"short c", "len(c)=4", func() { Gemm(true, false, 2, 3, 2, buf, 2, buf, 3, 0, buf[:4], 3) }},
		{"csr short indptr", "len(indptr)=1", func() {
			CSRMul(1, 2, []int{0}, nil, buf, buf, 2, 0, buf, 2)
		}},
		{"csr column past b", "len(b)=4", func() {
			CSRMul(1, 2, []int{0, 1}, []int32{3}, buf, buf[:4], 2, 0, buf, 2)
		}},
		{"csrT column past k", "out of range k=2", func() {
			CSRTMul(1, 2, 2, []int{0, 1}, []int32{2}, buf, buf, 2, 0, buf, 2)
		}},
		{"csr decreasing indptr", "indptr[0]=1 > indptr[1]=0", func() {
			CSRMul(2, 2, []int{1, 0, 1}, []int32{0}, buf, buf, 2, 0, buf, 2)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.Contains(msg, tt.want) {
					t.Errorf("panic %q, want one containing %q", r, tt.want)
				}
			}()
			tt.call()
		})
	}
}

// csrCase is a random CSR matrix m×k with dense operands for CSRMul (b k×n,
// c m×n) and CSRTMul (b m×n, c k×n).
type csrCase struct {
	m, n, k    int
	indptr     []int
	indices    []int32
	values     []float64
	ldb, ldc   int
	beta       float64
	b, c       []float64 // CSRMul operands
	bt, ct     []float64 // CSRTMul operands
	ldbt, ldct int
}

func (s csrCase) String() string {
	return fmt.Sprintf("m=%d n=%d k=%d nnz=%d beta=%v", s.m, s.n, s.k, len(s.indices), s.beta)
}

func newCSRCase(rng *rand.Rand, m, n, k int, density float64, beta float64) csrCase {
	s := csrCase{m: m, n: n, k: k, beta: beta, indptr: make([]int, m+1)}
	for i := 0; i < m; i++ {
		for col := 0; col < k; col++ {
			if rng.Float64() < density {
				s.indices = append(s.indices, int32(col))
				s.values = append(s.values, 2*rng.Float64()-1)
			}
		}
		s.indptr[i+1] = len(s.indices)
	}
	s.ldb, s.ldc = n+rng.IntN(3), n+rng.IntN(3)
	s.ldbt, s.ldct = n+rng.IntN(3), n+rng.IntN(3)
	s.b, s.c = randSlice(rng, k*s.ldb), randSlice(rng, m*s.ldc)
	s.bt, s.ct = randSlice(rng, m*s.ldbt), randSlice(rng, k*s.ldct)
	if beta == 0 {
		for i := range s.c {
			s.c[i] = math.NaN()
		}
		for i := range s.ct {
			s.ct[i] = math.NaN()
		}
	}
	return s
}

// dense returns the CSR matrix as a dense row-major m×k gemmCase operand.
func (s csrCase) dense() []float64 {
	d := make([]float64, s.m*s.k)
	for i := 0; i < s.m; i++ {
		for p := s.indptr[i]; p < s.indptr[i+1]; p++ {
			d[i*s.k+int(s.indices[p])] = s.values[p]
		}
	}
	return d
}

func testCSRType[T Float](t *testing.T, s csrCase) {
	t.Helper()
	values := convert[T](s.values)
	// CSRMul against the dense product on the same rounded values.
	g := gemmCase{m: s.m, n: s.n, k: s.k, lda: s.k, ldb: s.ldb, ldc: s.ldc, beta: s.beta, a: s.dense(), b: s.b, c: s.c}
	want, scale := refGemm[T](g)
	run := func() []T {
		c := convert[T](s.c)
		CSRMul(s.m, s.n, s.indptr, s.indices, values, convert[T](s.b), s.ldb, T(s.beta), c, s.ldc)
		return c
	}
	got := run()
	checkClose(t, "CSRMul "+s.String(), s.k, got, want, scale)
	checkSame(t, "CSRMul "+s.String(), got, run())

	gt := gemmCase{transA: true, m: s.k, n: s.n, k: s.m, lda: s.k, ldb: s.ldbt, ldc: s.ldct, beta: s.beta, a: s.dense(), b: s.bt, c: s.ct}
	want, scale = refGemm[T](gt)
	runT := func() []T {
		c := convert[T](s.ct)
		CSRTMul(s.m, s.n, s.k, s.indptr, s.indices, values, convert[T](s.bt), s.ldbt, T(s.beta), c, s.ldct)
		return c
	}
	got = runT()
	checkClose(t, "CSRTMul "+s.String(), s.m, got, want, scale)
	checkSame(t, "CSRTMul "+s.String(), got, runT())
}

func checkSame[T Float](t *testing.T, name string, got, again []T) {
	t.Helper()
	for i := range got {
		if math.Float64bits(float64(got[i])) != math.Float64bits(float64(again[i])) {
			t.Fatalf("%s: second call differs at %d: %v then %v", name, i, got[i], again[i])
		}
	}
}

func TestCSRShapes(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	shapes := [][3]int{{0, 4, 4}, {3, 0, 4}, {3, 4, 0}, {1, 1, 1}, {5, 128, 50}, {9, 130, 20}, {4, 17, 300}}
	for range 40 {
		shapes = append(shapes, [3]int{rng.IntN(71), rng.IntN(150), rng.IntN(71)})
	}
	for _, sh := range shapes {
		for _, beta := range []float64{0, 1, 0.5} {
			density := []float64{0, 0.02, 0.3, 1}[rng.IntN(4)]
			s := newCSRCase(rng, sh[0], sh[1], sh[2], density, beta)
			testCSRType[float32](t, s)
			testCSRType[float64](t, s)
		}
	}
}

// TestCSRAgreesWithGo checks the dispatched float32 sparse products
// (assembly where the CPU has it) against the pure-Go ones on the text
// model's shape: a batch of 32 rows of a 5,000-column matrix, 1.5 % dense,
// times 5000×128.
func TestCSRAgreesWithGo(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(18, 19))
	s := newCSRCase(rng, 32, 128, 5000, 0.015, 0.5)
	values, b, bt := convert[float32](s.values), convert[float32](s.b), convert[float32](s.bt)
	// Every element of a product has at most max-row-entries (CSRMul) or m
	// (CSRTMul) terms; the values are in [-1, 1], so |error| ≤ terms·eps·(terms+1).
	tol := func(terms int) float64 { return float64(terms) * float64(terms+1) * epsOf[float32]() }
	got, ref := convert[float32](s.c), convert[float32](s.c)
	CSRMul(s.m, s.n, s.indptr, s.indices, values, b, s.ldb, 0.5, got, s.ldc)
	csrMulGo(s.m, s.n, s.indptr, s.indices, values, b, s.ldb, 0.5, ref, s.ldc)
	maxRow := 0
	for i := 0; i < s.m; i++ {
		maxRow = max(maxRow, s.indptr[i+1]-s.indptr[i])
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - float64(ref[i])); d > 2*tol(maxRow+1) {
			t.Fatalf("CSRMul element %d: dispatched %v, pure Go %v", i, got[i], ref[i])
		}
	}
	got, ref = convert[float32](s.ct), convert[float32](s.ct)
	CSRTMul(s.m, s.n, s.k, s.indptr, s.indices, values, bt, s.ldbt, 0.5, got, s.ldct)
	scaleRows(s.k, s.n, float32(0.5), ref, s.ldct)
	csrTMulGo(s.m, s.n, s.indptr, s.indices, values, bt, s.ldbt, ref, s.ldct)
	for i := range got {
		if d := math.Abs(float64(got[i]) - float64(ref[i])); d > 2*tol(s.m+1) {
			t.Fatalf("CSRTMul element %d: dispatched %v, pure Go %v", i, got[i], ref[i])
		}
	}
}

func TestCSRNoAlloc(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	s := newCSRCase(rng, 20, 130, 300, 0.05, 0)
	values, b, c := convert[float32](s.values), convert[float32](s.b), convert[float32](s.c)
	bt, ct := convert[float32](s.bt), convert[float32](s.ct)
	allocs := testing.AllocsPerRun(10, func() {
		CSRMul(s.m, s.n, s.indptr, s.indices, values, b, s.ldb, 0, c, s.ldc)
		CSRTMul(s.m, s.n, s.k, s.indptr, s.indices, values, bt, s.ldbt, 0, ct, s.ldct)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per call, want 0", allocs)
	}
}

func FuzzGemm(f *testing.F) {
	f.Add(uint8(6), uint8(64), uint8(9), uint8(0), uint64(1))
	f.Add(uint8(7), uint8(10), uint8(128), uint8(5), uint64(2))
	f.Add(uint8(0), uint8(3), uint8(0), uint8(3), uint64(3))
	f.Fuzz(func(t *testing.T, m, n, k, flags uint8, seed uint64) {
		rng := rand.New(rand.NewPCG(seed, 11))
		beta := []float64{0, 1, 0.5, -2}[flags>>2&3]
		g := newGemmCase(rng, flags&1 != 0, flags&2 != 0, int(m%80), int(n%150), int(k%150), int(flags>>4), beta)
		testGemmType[float32](t, g)
		testGemmType[float64](t, g)
	})
}
