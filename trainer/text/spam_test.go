package text

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestSpamMatchesScikitLearn fits the whole spam corpus and compares with
// the fingerprint scikit-learn 1.2.1 produced (testdata/spam_summary.json,
// gen_spam_summary.py): vocabulary hash, nnz, sums, and complete rows.
func TestSpamMatchesScikitLearn(t *testing.T) {
	if testing.Short() {
		t.Skip("fits the full spam corpus (about a second)")
	}
	t.Parallel()
	var ref struct {
		Documents int `json:"documents"`
		Cases     []struct {
			Name        string          `json:"name"`
			Options     json.RawMessage `json:"options"`
			Terms       int             `json:"terms"`
			VocabSHA256 string          `json:"vocabulary_sha256"`
			NNZ         int             `json:"nnz"`
			IDFSum      float64         `json:"idf_sum"`
			ValueSum    float64         `json:"value_sum"`
			WeightedSum float64         `json:"weighted_sum"`
			Rows        map[string]struct {
				Indices []int32   `json:"indices"`
				Values  []float64 `json:"values"`
			} `json:"rows"`
		} `json:"cases"`
	}
	readJSON(t, "testdata/spam_summary.json", &ref)
	docs, err := loadSpam(spamPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != ref.Documents {
		t.Fatalf("%d documents, want %d", len(docs), ref.Documents)
	}
	relClose := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-10*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %.17g, want %.17g", what, got, want)
		}
	}
	if len(ref.Cases) == 0 {
		t.Fatal("reference file has no cases")
	}
	for _, c := range ref.Cases {
		t.Run(c.Name, func(t *testing.T) {
			o := Options{Normalize: "none"} // scikit-learn does not normalise Unicode
			if err := json.Unmarshal(c.Options, &o); err != nil {
				t.Fatal(err)
			}
			v, indptr, indices, values, err := FitTransform(context.Background(), docs, o)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(strings.Join(v.Vocabulary, "\n")))
			if len(v.Vocabulary) != c.Terms || hex.EncodeToString(sum[:]) != c.VocabSHA256 {
				t.Fatalf("vocabulary: %d terms, sha256 %x; want %d, %s", len(v.Vocabulary), sum, c.Terms, c.VocabSHA256)
			}
			if len(values) != c.NNZ {
				t.Errorf("nnz %d, want %d", len(values), c.NNZ)
			}
			var idfSum, valueSum, weighted float64
			for _, x := range v.IDF {
				idfSum += x
			}
			for r := range len(docs) {
				for k := indptr[r]; k < indptr[r+1]; k++ {
					valueSum += values[k]
					weighted += float64(r+1) * 1e-3 * float64(indices[k]+1) * 1e-3 * values[k]
				}
			}
			relClose("idf sum", idfSum, c.IDFSum)
			relClose("value sum", valueSum, c.ValueSum)
			relClose("weighted sum", weighted, c.WeightedSum)
			for key, want := range c.Rows {
				r, err := strconv.Atoi(key)
				if err != nil {
					t.Fatal(err)
				}
				gotIdx, gotVal := indices[indptr[r]:indptr[r+1]], values[indptr[r]:indptr[r+1]]
				if !slices.Equal(gotIdx, want.Indices) {
					t.Errorf("row %d: columns differ", r)
					continue
				}
				for k := range gotVal {
					if math.Abs(gotVal[k]-want.Values[k]) > tfidfTol {
						t.Errorf("row %d col %d = %.17g, want %.17g", r, gotIdx[k], gotVal[k], want.Values[k])
					}
				}
			}
		})
	}
}
