package text

import (
	"slices"
	"testing"
)

// TestNumpyArgsort compares numpyArgsort with NumPy 1.24's argsort on the
// arrays of testdata/argsort.json (testdata/gen_numpy_argsort.py).
func TestNumpyArgsort(t *testing.T) {
	t.Parallel()
	var ref struct {
		Cases []struct {
			Values  []int64 `json:"values"`
			Argsort []int   `json:"argsort"`
		} `json:"cases"`
	}
	readJSON(t, "testdata/argsort.json", &ref)
	if len(ref.Cases) == 0 {
		t.Fatal("no cases")
	}
	for i, c := range ref.Cases {
		if got := numpyArgsort(c.Values); !slices.Equal(got, c.Argsort) {
			t.Errorf("case %d (n=%d): argsort differs from NumPy", i, len(c.Values))
		}
	}
}

// TestAheapsort checks the heapsort fallback sorts (NumPy reaches it only on
// adversarial inputs, so it is checked for order rather than against NumPy).
func TestAheapsort(t *testing.T) {
	t.Parallel()
	v := []int64{5, -1, 3, 3, 0, 9, -7, 3, 2, 2, 8}
	idx := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	aheapsort(v, idx)
	for i := 1; i < len(idx); i++ {
		if v[idx[i-1]] > v[idx[i]] {
			t.Fatalf("not sorted: %v", idx)
		}
	}
}
