package experiments

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImputeDropped: the rows impute "drop" leaves out are counted once per
// row (not per missing cell), and only when some trial drops them.
func TestImputeDropped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("a,b,label\n")
	for i := range 40 {
		a, b := fmt.Sprint(i%10), fmt.Sprint((i*7)%10)
		switch i {
		case 3:
			a = "" // one missing cell
		case 8:
			a, b = "NA", "?" // two in one row
		case 13:
			b = "NaN"
		}
		fmt.Fprintf(&csv, "%s,%s,c%d\n", a, b, i%2)
	}
	if err := os.WriteFile(filepath.Join(dir, "missing.csv"), []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, spec string
		dropped    int
		every      bool
	}{
		{"impute drop", "data: {path: missing.csv, impute: drop}\n", 3, true},
		{"impute mean", "data: {path: missing.csv}\n", 0, false},
		{"drop among the space's values", "data: {path: missing.csv}\nsearch:\n  space:\n    impute: {values: [mean, drop]}\n", 3, false},
		{"the space fixes drop", "data: {path: missing.csv}\nsearch:\n  space:\n    impute: drop\n", 3, true},
		{"the space overrides drop", "data: {path: missing.csv, impute: drop}\nsearch:\n  space:\n    impute: {values: [mean, median]}\n", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(filepath.Join(dir, "s.yaml"), dir, []byte(tc.spec))
			if err != nil {
				t.Fatal(err)
			}
			tab, err := LoadData(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			n, every, err := NewObjective(s, tab).ImputeDropped(context.Background())
			if err != nil || n != tc.dropped || every != tc.every {
				t.Errorf("ImputeDropped = %d, %t, %v; want %d, %t", n, every, err, tc.dropped, tc.every)
			}
		})
	}
}
