package experiments

import (
	"testing"

	"github.com/sweep-ml/sweep/search"
)

// TestStoredSpecName: a stored spec parses whether or not it names its
// study, and takes the study's name and seed.
func TestStoredSpecName(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		"data: {path: wine.csv}\n",
		"name: in-file\nseed: 3\ndata: {path: wine.csv}\n",
	} {
		study := search.Study{Name: "wine-1", Seed: 9, Spec: []byte(specDirHeader + "/data\n" + src)}
		s, err := StoredSpec(study, "")
		if err != nil {
			t.Errorf("StoredSpec of %q: %v", src, err)
			continue
		}
		if s.Name != "wine-1" || s.Seed != 9 {
			t.Errorf("StoredSpec of %q: name %q, seed %d; want wine-1, 9", src, s.Name, s.Seed)
		}
	}
}
