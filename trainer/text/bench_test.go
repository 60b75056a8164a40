package text

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"testing"
	"time"
)

// spamPath is the shared SpamAssassin-derived corpus (experiments/data/README.md).
const spamPath = "../../experiments/data/spam.csv.gz"

// loadSpam reads the text column of spam.csv.gz.
func loadSpam(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r := csv.NewReader(gz)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	col := -1
	for i, h := range header {
		if h == "text" {
			col = i
		}
	}
	if col < 0 {
		return nil, fmt.Errorf("%s: no text column in %q", path, header)
	}
	var docs []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		docs = append(docs, rec[col])
	}
}

// BenchmarkFitTransformSpam times the whole path the data pipeline takes for
// spam.csv.gz: decompress, parse CSV, Fit with default options and Transform
// every document. Peer: bench/sklearn_tfidf.py.
func BenchmarkFitTransformSpam(b *testing.B) {
	b.ReportAllocs()
	var nnz, cols int
	cpu0 := processCPU()
	for b.Loop() {
		docs, err := loadSpam(spamPath)
		if err != nil {
			b.Fatal(err)
		}
		v, err := Fit(context.Background(), docs, Options{})
		if err != nil {
			b.Fatal(err)
		}
		_, indices, _, err := v.Transform(docs)
		if err != nil {
			b.Fatal(err)
		}
		nnz, cols = len(indices), len(v.Vocabulary)
	}
	reportCPU(b, cpu0)
	b.ReportMetric(float64(nnz), "nnz")
	b.ReportMetric(float64(cols), "terms")
}

// BenchmarkFitTransformOncePassSpam is BenchmarkFitTransformSpam with
// FitTransform, which tokenises the documents once.
func BenchmarkFitTransformOncePassSpam(b *testing.B) {
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		docs, err := loadSpam(spamPath)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, _, _, err := FitTransform(context.Background(), docs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu0)
}

// BenchmarkLoadSpam times decompressing and parsing spam.csv.gz alone.
func BenchmarkLoadSpam(b *testing.B) {
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		if _, err := loadSpam(spamPath); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu0)
}

// reportCPU adds the process CPU seconds per operation since cpu0 (all
// threads, garbage collector included).
func reportCPU(b *testing.B, cpu0 time.Duration) {
	if cpu := processCPU(); cpu > 0 {
		b.ReportMetric((cpu-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	}
}

// BenchmarkTransformSpam times Transform alone on the fitted spam corpus.
func BenchmarkTransformSpam(b *testing.B) {
	docs, err := loadSpam(spamPath)
	if err != nil {
		b.Fatal(err)
	}
	v, err := Fit(context.Background(), docs, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		if _, _, _, err := v.Transform(docs); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu0)
}
