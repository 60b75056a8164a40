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
