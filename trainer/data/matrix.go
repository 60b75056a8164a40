package data

// Matrix is a row-major feature matrix held either dense or as compressed
// sparse rows (CSR). Exactly one form is populated: the CSR fields are nil for
// a dense matrix and Dense is nil for a sparse one.
type Matrix struct {
	Rows, Cols int

	// Dense holds Rows*Cols values; element (i, j) is Dense[i*Cols+j].
	Dense []float64

	// Indptr has Rows+1 entries; row i's non-zeros are
	// Indices[Indptr[i]:Indptr[i+1]] and Values[Indptr[i]:Indptr[i+1]].
	// Column indices are strictly increasing within a row.
	Indptr  []int
	Indices []int32
	Values  []float64
}

// IsSparse reports whether m is stored in CSR form.
func (m Matrix) IsSparse() bool { return m.Indptr != nil }

// Set is a feature matrix with one class index per row. Y[i] is in
// [0, number of classes) and indexes the label order of the fitted pipeline.
type Set struct {
	X Matrix
	Y []int
}

// NewDense returns a zero rows×cols dense matrix.
func NewDense(rows, cols int) Matrix {
	return Matrix{Rows: rows, Cols: cols, Dense: make([]float64, rows*cols)}
}

// Row returns row i of a dense matrix as a slice aliasing m.Dense.
func (m Matrix) Row(i int) []float64 {
	return m.Dense[i*m.Cols : (i+1)*m.Cols : (i+1)*m.Cols]
}

// NNZ returns the number of stored values: Rows*Cols for a dense matrix,
// the number of non-zeros for a sparse one.
func (m Matrix) NNZ() int {
	if m.IsSparse() {
		return m.Indptr[m.Rows]
	}
	return m.Rows * m.Cols
}

// SelectRows returns a new matrix holding rows idx of m, in that order (an
// index may repeat). The result does not alias m. It panics if an index is
// out of range, as slice indexing does.
func (m Matrix) SelectRows(idx []int) Matrix {
	if !m.IsSparse() {
		out := NewDense(len(idx), m.Cols)
		for r, i := range idx {
			copy(out.Dense[r*m.Cols:(r+1)*m.Cols], m.Dense[i*m.Cols:(i+1)*m.Cols])
		}
		return out
	}
	nnz := 0
	for _, i := range idx {
		nnz += m.Indptr[i+1] - m.Indptr[i]
	}
	out := Matrix{
		Rows: len(idx), Cols: m.Cols,
		Indptr:  make([]int, len(idx)+1),
		Indices: make([]int32, 0, nnz),
		Values:  make([]float64, 0, nnz),
	}
	for r, i := range idx {
		lo, hi := m.Indptr[i], m.Indptr[i+1]
		out.Indices = append(out.Indices, m.Indices[lo:hi]...)
		out.Values = append(out.Values, m.Values[lo:hi]...)
		out.Indptr[r+1] = len(out.Values)
	}
	return out
}

// ToDense returns m as a dense matrix (m itself when already dense).
func (m Matrix) ToDense() Matrix {
	if !m.IsSparse() {
		return m
	}
	out := NewDense(m.Rows, m.Cols)
	for i := 0; i < m.Rows; i++ {
		row := out.Dense[i*m.Cols : (i+1)*m.Cols]
		for p := m.Indptr[i]; p < m.Indptr[i+1]; p++ {
			row[m.Indices[p]] = m.Values[p]
		}
	}
	return out
}

// SelectRows returns the rows idx of s (features and labels), in that order.
func (s Set) SelectRows(idx []int) Set {
	y := make([]int, len(idx))
	for r, i := range idx {
		y[r] = s.Y[i]
	}
	return Set{X: s.X.SelectRows(idx), Y: y}
}

// Len returns the number of rows of s.
func (s Set) Len() int { return s.X.Rows }

// ClassCounts returns the number of rows of each class in y, for classes
// [0, k). Labels outside that range are not counted.
func ClassCounts(y []int, k int) []int {
	c := make([]int, k)
	for _, v := range y {
		if v >= 0 && v < k {
			c[v]++
		}
	}
	return c
}
