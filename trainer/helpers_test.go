package trainer

import (
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/sweep-ml/sweep/trainer/data"
)

// readCSV reads a numeric CSV whose last column named "label" holds the class
// name; classes are numbered in order of first appearance.
func readCSV(t testing.TB, path string) (data.Matrix, []int, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	cols := len(recs[0]) - 1
	if recs[0][cols] != "label" {
		t.Fatalf("%s: last column is %q, want label", path, recs[0][cols])
	}
	x := data.Matrix{Rows: len(recs) - 1, Cols: cols, Dense: make([]float64, 0, (len(recs)-1)*cols)}
	var y []int
	ids := map[string]int{}
	for i, rec := range recs[1:] {
		for j, s := range rec[:cols] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s:%d column %d: %v", path, i+2, j+1, err)
			}
			x.Dense = append(x.Dense, v)
		}
		id, ok := ids[rec[cols]]
		if !ok {
			id = len(ids)
			ids[rec[cols]] = id
		}
		y = append(y, id)
	}
	return x, y, len(ids)
}

// stratifiedSplit splits the rows of (x, y) into a part of about frac of
// every class and the rest, shuffled with seed.
func stratifiedSplit(x data.Matrix, y []int, classes int, frac float64, seed uint64) (part, rest data.Set) {
	rng := rand.New(rand.NewPCG(seed, 1))
	byClass := make([][]int, classes)
	for i, c := range y {
		byClass[c] = append(byClass[c], i)
	}
	var a, b []int
	for _, idx := range byClass {
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		n := int(math.Round(frac * float64(len(idx))))
		a = append(a, idx[:n]...)
		b = append(b, idx[n:]...)
	}
	return selectRows(x, y, a), selectRows(x, y, b)
}

func selectRows(x data.Matrix, y []int, idx []int) data.Set {
	s := data.Set{X: data.Matrix{Rows: len(idx), Cols: x.Cols, Dense: make([]float64, 0, len(idx)*x.Cols)}}
	for _, i := range idx {
		s.X.Dense = append(s.X.Dense, x.Dense[i*x.Cols:(i+1)*x.Cols]...)
		s.Y = append(s.Y, y[i])
	}
	return s
}

// standardize scales every column to zero mean and unit variance using the
// statistics of the first set (constant columns are only centred).
func standardize(sets ...*data.Set) {
	x := sets[0].X
	mean := make([]float64, x.Cols)
	sd := make([]float64, x.Cols)
	for i := 0; i < x.Rows; i++ {
		for j := 0; j < x.Cols; j++ {
			mean[j] += x.Dense[i*x.Cols+j] / float64(x.Rows)
		}
	}
	for i := 0; i < x.Rows; i++ {
		for j := 0; j < x.Cols; j++ {
			d := x.Dense[i*x.Cols+j] - mean[j]
			sd[j] += d * d / float64(x.Rows)
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j])
		if sd[j] == 0 {
			sd[j] = 1
		}
	}
	for _, s := range sets {
		for i := 0; i < s.X.Rows; i++ {
			for j := 0; j < s.X.Cols; j++ {
				s.X.Dense[i*s.X.Cols+j] = (s.X.Dense[i*s.X.Cols+j] - mean[j]) / sd[j]
			}
		}
	}
}

// dataset is a stratified train/val/test split of a CSV file: 80/20
// train+val/test, then 20 % of the first part for validation.
type dataset struct {
	train, val, test data.Set
	classes          int
}

func loadSplit(t testing.TB, path string, seed uint64) dataset {
	t.Helper()
	x, y, k := readCSV(t, path)
	test, trainVal := stratifiedSplit(x, y, k, 0.2, seed)
	val, train := stratifiedSplit(trainVal.X, trainVal.Y, k, 0.2, seed+1)
	standardize(&train, &val, &test)
	return dataset{train: train, val: val, test: test, classes: k}
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
