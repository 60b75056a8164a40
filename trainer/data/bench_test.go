package data

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

var wideCSV = flag.String("widecsv", "", "BenchmarkLoadWide: read this 60,000×784 CSV instead of generating one (see BENCHMARKS.md)")

// writeWideCSV writes an MNIST-shaped CSV: rows × cols integer pixels in
// [0, 255] (about 80% zeros) and a label column of 10 classes, streamed so
// that generating it needs no memory.
func writeWideCSV(path string, rows, cols int, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(seed, 0))
	for j := range cols {
		fmt.Fprintf(w, "p%d,", j)
	}
	w.WriteString("label\n")
	var buf []byte
	for range rows {
		buf = buf[:0]
		for range cols {
			v := 0
			if rng.IntN(5) == 0 {
				v = rng.IntN(256)
			}
			buf = strconv.AppendInt(buf, int64(v), 10)
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, int64(rng.IntN(10)), 10)
		buf = append(buf, '\n')
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// BenchmarkLoadWide loads a 60,000 × 784 numeric CSV (generated into a
// temporary directory unless -widecsv names one) and reports the heap the
// loaded table holds. Peak resident memory is measured around the test
// binary with /usr/bin/time -v (BENCHMARKS.md).
func BenchmarkLoadWide(b *testing.B) {
	if testing.Short() {
		b.Skip("writes a 180 MB file")
	}
	path := *wideCSV
	if path == "" {
		path = filepath.Join(b.TempDir(), "wide.csv")
		if err := writeWideCSV(path, 60000, 784, 1); err != nil {
			b.Fatal(err)
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	var tab *Table
	cpu := processCPU()
	for b.Loop() {
		tab, err = Load(context.Background(), path, LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((processCPU()-cpu)/float64(b.N), "cpu-s/op")
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "live-MiB")
	runtime.KeepAlive(tab)
}

// BenchmarkLoadSpam loads experiments/data/spam.csv.gz (3,645 e-mails).
func BenchmarkLoadSpam(b *testing.B) {
	cpu := processCPU()
	for b.Loop() {
		if _, err := Load(context.Background(), "../../experiments/data/spam.csv.gz", LoadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((processCPU()-cpu)/float64(b.N), "cpu-s/op")
}

// BenchmarkLoadSpamTFIDF loads spam.csv.gz and fits TF-IDF (default
// options) on all 3,645 e-mails and transforms them (text.FitTransform, as
// the pipeline does for training rows), the issue's "load +
// TF-IDF under 1 s" target.
func BenchmarkLoadSpamTFIDF(b *testing.B) {
	ctx := context.Background()
	cpu := processCPU()
	for b.Loop() {
		tab, err := Load(ctx, "../../experiments/data/spam.csv.gz", LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := fitTransformText(ctx, tab.Docs, TextOptions{}.WithDefaults()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((processCPU()-cpu)/float64(b.N), "cpu-s/op")
}

// smoteBenchSet returns n × d standard-normal features where the last
// class has minority rows and the other classes share the rest equally.
func smoteBenchSet(n, d, classes, minority int) Set {
	rng := rand.New(rand.NewPCG(1, 0))
	x := NewDense(n, d)
	for i := range x.Dense {
		x.Dense[i] = rng.NormFloat64()
	}
	y := make([]int, n)
	for i := range y {
		if i < minority {
			y[i] = classes - 1
		} else {
			y[i] = (i - minority) % (classes - 1)
		}
	}
	return Set{X: x, Y: y}
}

// BenchmarkSMOTE runs SMOTE (k = 5) on 50,000 × 784 with a 500-row
// minority class: "10class" has nine classes of 5,500 and the minority
// (5,000 synthetic rows), "binary" has one class of 49,500 and the
// minority (49,000 synthetic rows).
func BenchmarkSMOTE(b *testing.B) {
	for _, bc := range []struct {
		name    string
		classes int
	}{{"10class", 10}, {"binary", 2}} {
		b.Run(bc.name, func(b *testing.B) {
			set := smoteBenchSet(50000, 784, bc.classes, 500)
			names := make([]string, bc.classes)
			for c := range names {
				names[c] = strconv.Itoa(c)
			}
			s := Sampling{Strategy: SampleSMOTE, K: 5}
			cpu := processCPU()
			for b.Loop() {
				if _, err := Resample(set, names, s, rand.New(rand.NewPCG(2, 0))); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((processCPU()-cpu)/float64(b.N), "cpu-s/op")
		})
	}
}
