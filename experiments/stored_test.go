package experiments

import (
	"context"
	"path/filepath"
	"strings"
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

// TestStoredSpecDataDir: a data directory replaces the directory of an
// absolute data path and is the base of a relative one.
func TestStoredSpecDataDir(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path, dataDir, want string
	}{
		{"/orig/sets/wine.csv", "/here", "/here/wine.csv"},
		{"/orig/sets/wine.csv", "", "/orig/sets/wine.csv"},
		{"sets/wine.csv", "/here", "/here/sets/wine.csv"},
		{"sets/wine.csv", "", "/orig/sets/wine.csv"},
	} {
		study := search.Study{Name: "wine-1", Spec: []byte(specDirHeader + "/orig\ndata: {path: " + tc.path + "}\n")}
		s, err := StoredSpec(study, tc.dataDir)
		if err != nil {
			t.Errorf("StoredSpec(%s, %q): %v", tc.path, tc.dataDir, err)
			continue
		}
		// The recorded /orig does not exist here, so a relative path
		// without a data directory resolves against ".".
		want := tc.want
		if tc.dataDir == "" && !filepath.IsAbs(tc.path) {
			want = tc.path
		}
		if got := s.DataPath(); got != want {
			t.Errorf("StoredSpec(%s, %q).DataPath() = %s, want %s", tc.path, tc.dataDir, got, want)
		}
	}
}

// TestStoredSpecMissingData: a missing data file in a stored spec points
// at --data-dir unless one was given.
func TestStoredSpecMissingData(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		dataDir string
		hint    bool
	}{
		{"", true},
		{dir, false},
	} {
		study := search.Study{Name: "wine-1", Spec: []byte(specDirHeader + "/orig\ndata: {path: /orig/none.csv}\n")}
		s, err := StoredSpec(study, tc.dataDir)
		if err != nil {
			t.Fatal(err)
		}
		_, err = LoadData(context.Background(), s)
		if err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Fatalf("LoadData with data dir %q: %v, want a missing file", tc.dataDir, err)
		}
		if got := strings.Contains(err.Error(), "--data-dir"); got != tc.hint {
			t.Errorf("LoadData with data dir %q: %v; mentions --data-dir: %v, want %v", tc.dataDir, err, got, tc.hint)
		}
	}
}
