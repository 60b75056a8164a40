package text

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

const tfidfTol = 1e-9

// sklearnOptions returns Options configured as scikit-learn's
// TfidfVectorizer defaults: no Unicode normalisation, lowercase, token
// pattern (?u)\b\w\w+\b, smooth idf, l2 norm.
func sklearnOptions() Options {
	return Options{Normalize: "none"}.WithDefaults()
}

// dense expands a CSR matrix with cols columns, checking its structure.
func dense(t *testing.T, indptr []int, indices []int32, values []float64, rows, cols int) [][]float64 {
	t.Helper()
	if len(indptr) != rows+1 || indptr[0] != 0 || indptr[rows] != len(indices) || len(indices) != len(values) {
		t.Fatalf("bad CSR shape: indptr %v, %d indices, %d values, %d rows", indptr, len(indices), len(values), rows)
	}
	m := make([][]float64, rows)
	for i := range m {
		m[i] = make([]float64, cols)
		for k := indptr[i]; k < indptr[i+1]; k++ {
			c := indices[k]
			if c < 0 || int(c) >= cols {
				t.Fatalf("row %d: column %d outside [0, %d)", i, c, cols)
			}
			if k > indptr[i] && indices[k-1] >= c {
				t.Fatalf("row %d: columns not strictly increasing: %v", i, indices[indptr[i]:indptr[i+1]])
			}
			m[i][c] = values[k]
		}
	}
	return m
}

func compareMatrix(t *testing.T, got, want [][]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("row %d: %d columns, want %d", i, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			if math.Abs(got[i][j]-want[i][j]) > tfidfTol {
				t.Errorf("[%d][%d] = %.17g, want %.17g", i, j, got[i][j], want[i][j])
			}
		}
	}
}

func compareFloats(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > tfidfTol {
			t.Errorf("%s[%d] = %.17g, want %.17g", what, i, got[i], want[i])
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func fitTransform(t *testing.T, docs []string, o Options) (*Vectorizer, [][]float64) {
	t.Helper()
	v, err := Fit(context.Background(), docs, o)
	if err != nil {
		t.Fatal(err)
	}
	indptr, indices, values, err := v.Transform(docs)
	if err != nil {
		t.Fatal(err)
	}
	// FitTransform must give the same vectorizer and bit-identical values.
	v2, p2, i2, v2vals, err := FitTransform(context.Background(), docs, o)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v2.Vocabulary, v.Vocabulary) || !slices.Equal(v2.IDF, v.IDF) ||
		!slices.Equal(p2, indptr) || !slices.Equal(i2, indices) || !slices.Equal(v2vals, values) {
		t.Fatalf("FitTransform differs from Fit then Transform")
	}
	return v, dense(t, indptr, indices, values, len(docs), len(v.Vocabulary))
}

// TestTfidfMatchesReference checks every configuration of
// testdata/tfidf.json (scikit-learn 1.2.1, see testdata/README.md).
func TestTfidfMatchesReference(t *testing.T) {
	t.Parallel()
	var ref struct {
		Documents []string `json:"documents"`
		Tfidf     []struct {
			SublinearTF  bool        `json:"sublinear_tf"`
			NGramRange   [2]int      `json:"ngram_range"`
			SmoothIDF    bool        `json:"smooth_idf"`
			Norm         string      `json:"norm"`
			TokenPattern string      `json:"token_pattern"`
			Vocabulary   []string    `json:"vocabulary"`
			IDF          []float64   `json:"idf"`
			Matrix       [][]float64 `json:"matrix"`
		} `json:"tfidf"`
		Counts struct {
			Vocabulary []string    `json:"vocabulary"`
			Matrix     [][]float64 `json:"matrix"`
		} `json:"counts"`
	}
	readJSON(t, "testdata/tfidf.json", &ref)
	if len(ref.Tfidf) == 0 || len(ref.Documents) == 0 {
		t.Fatal("testdata/tfidf.json: no configurations")
	}
	for i, c := range ref.Tfidf {
		if c.TokenPattern != `(?u)\b\w\w+\b` {
			t.Fatalf("config %d: token pattern %q not supported", i, c.TokenPattern)
		}
		o := sklearnOptions()
		o.SublinearTF = c.SublinearTF
		o.NGramMin, o.NGramMax = c.NGramRange[0], c.NGramRange[1]
		o.IDF = map[bool]string{true: "smooth", false: "plain"}[c.SmoothIDF]
		o.Norm = c.Norm
		v, m := fitTransform(t, ref.Documents, o)
		if !slices.Equal(v.Vocabulary, c.Vocabulary) {
			t.Errorf("config %d: vocabulary\n%q\nwant\n%q", i, v.Vocabulary, c.Vocabulary)
			continue
		}
		compareFloats(t, "idf", v.IDF, c.IDF)
		compareMatrix(t, m, c.Matrix)
	}
	// CountVectorizer: raw counts are TF-IDF without idf or norm.
	o := sklearnOptions()
	o.IDF, o.Norm = "none", "none"
	v, m := fitTransform(t, ref.Documents, o)
	if !slices.Equal(v.Vocabulary, ref.Counts.Vocabulary) {
		t.Fatalf("counts vocabulary\n%q\nwant\n%q", v.Vocabulary, ref.Counts.Vocabulary)
	}
	compareMatrix(t, m, ref.Counts.Matrix)
}

// TestTfidfMatchesScikitLearnOptions checks testdata/tfidf_extra.json,
// produced by testdata/gen_sklearn_extra.py with scikit-learn 1.2.1: stop
// words, df limits, max_features, accents, l1, plain and no idf, case, and
// non-ASCII text.
func TestTfidfMatchesScikitLearnOptions(t *testing.T) {
	t.Parallel()
	var ref struct {
		Documents []string `json:"documents"`
		Cases     []struct {
			Name       string          `json:"name"`
			Options    json.RawMessage `json:"options"`
			Vocabulary []string        `json:"vocabulary"`
			IDF        []float64       `json:"idf"`
			Matrix     [][]float64     `json:"matrix"`
		} `json:"cases"`
	}
	readJSON(t, "testdata/tfidf_extra.json", &ref)
	if len(ref.Cases) == 0 {
		t.Fatal("testdata/tfidf_extra.json: no cases")
	}
	for _, c := range ref.Cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			o := Options{Normalize: "none"}
			if err := json.Unmarshal(c.Options, &o); err != nil {
				t.Fatal(err)
			}
			v, m := fitTransform(t, ref.Documents, o.WithDefaults())
			if !slices.Equal(v.Vocabulary, c.Vocabulary) {
				t.Fatalf("vocabulary\n%q\nwant\n%q", v.Vocabulary, c.Vocabulary)
			}
			if c.IDF != nil || v.IDF != nil {
				compareFloats(t, "idf", v.IDF, c.IDF)
			}
			compareMatrix(t, m, c.Matrix)
		})
	}
}
