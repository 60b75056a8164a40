package trainer

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/sweep-ml/sweep/trainer/data"
)

func selectRows(x data.Matrix, y []int, idx []int) data.Set {
	s := data.Set{X: data.Matrix{Rows: len(idx), Cols: x.Cols, Dense: make([]float64, 0, len(idx)*x.Cols)}}
	for _, i := range idx {
		s.X.Dense = append(s.X.Dense, x.Dense[i*x.Cols:(i+1)*x.Cols]...)
		s.Y = append(s.Y, y[i])
	}
	return s
}

// dataset is a prepared train/val/test split of a CSV file.
type dataset struct {
	train, val, test data.Set
	classes          int
}

// loadSplit loads path with trainer/data and prepares it with cfg (the zero
// Config is what a sweep does by default: a stratified 80/20 split into
// train+val and test, 20 % of the first part for validation, mean imputation
// and standard scaling, or TF-IDF for text, fitted on the training rows).
func loadSplit(t testing.TB, path string, seed uint64, cfg data.Config) dataset {
	t.Helper()
	ctx := context.Background()
	table, err := data.Load(ctx, path, data.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := data.Prepare(ctx, table, cfg, seed, seed)
	if err != nil {
		t.Fatal(err)
	}
	return dataset{train: p.Train, val: p.Val, test: p.Test, classes: len(p.Classes)}
}

// blobs returns a random dense classification problem: class centres drawn
// N(0, 1), rows centre + N(0, noise²), as the benchmark peers generate.
func blobs(rows, cols, classes int, noise float64, seed uint64) data.Set {
	rng := rand.New(rand.NewPCG(seed, 3))
	centers := make([]float64, classes*cols)
	for i := range centers {
		centers[i] = rng.NormFloat64()
	}
	s := data.Set{X: data.Matrix{Rows: rows, Cols: cols, Dense: make([]float64, rows*cols)}, Y: make([]int, rows)}
	for i := 0; i < rows; i++ {
		c := rng.IntN(classes)
		s.Y[i] = c
		for j := 0; j < cols; j++ {
			s.X.Dense[i*cols+j] = centers[c*cols+j] + noise*rng.NormFloat64()
		}
	}
	return s
}

// sparseBlobs returns a random CSR problem with about density non-zeros per
// row; each class prefers its own band of columns.
func sparseBlobs(rows, cols, classes int, density float64, seed uint64) data.Set {
	rng := rand.New(rand.NewPCG(seed, 4))
	s := data.Set{X: data.Matrix{Rows: rows, Cols: cols, Indptr: []int{0}}, Y: make([]int, rows)}
	band := cols / classes
	for i := 0; i < rows; i++ {
		c := rng.IntN(classes)
		s.Y[i] = c
		for j := 0; j < cols; j++ {
			p := density / 2
			if j/band == c {
				p = density * 1.5
			}
			if rng.Float64() < p {
				s.X.Indices = append(s.X.Indices, int32(j))
				s.X.Values = append(s.X.Values, rng.Float64())
			}
		}
		s.X.Indptr = append(s.X.Indptr, len(s.X.Indices))
	}
	return s
}
