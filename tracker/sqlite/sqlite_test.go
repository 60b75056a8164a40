package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sweep-ml/sweep/search"
	schema "github.com/sweep-ml/sweep/sql"
	"github.com/sweep-ml/sweep/tracker"
	"github.com/sweep-ml/sweep/tracker/storetest"
)

func TestPath(t *testing.T) {
	cases := []struct {
		dsn, want string
		err       bool
	}{
		{"sweep.db", "sweep.db", false},
		{"/tmp/x/sweep.db", "/tmp/x/sweep.db", false},
		{"sqlite:sweep.db", "sweep.db", false},
		{"sqlite:///abs/sweep.db", "/abs/sweep.db", false},
		{"SQLite://rel.db", "rel.db", false},
		{"file:sweep.db", "sweep.db", false},
		{":memory:", ":memory:", false},
		{"dir with spaces/#hash%.db", "dir with spaces/#hash%.db", false},
		{"", "", true},
		{"sqlite:", "", true},
		{"sweep.db?_pragma=foo", "", true},
		{"nul\x00.db", "", true},
	}
	for _, c := range cases {
		got, err := Path(c.dsn)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("Path(%q) = %q, %v; want %q, error %v", c.dsn, got, err, c.want, c.err)
		}
	}
}

func FuzzPath(f *testing.F) {
	for _, s := range []string{"sweep.db", "sqlite:x", "file:y?z", ":memory:", "sqlite://", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dsn string) {
		p, err := Path(dsn)
		if err != nil {
			return
		}
		if p == "" || strings.ContainsAny(p, "?\x00") {
			t.Errorf("Path(%q) = %q: empty, or holds ? or NUL", dsn, p)
		}
	})
}

// Eight processes opening a fresh file at once: BEGIN IMMEDIATE and the
// busy timeout make one apply the migrations while the others wait.
func TestConcurrentOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fresh.db")
	const n = 8
	var wg sync.WaitGroup
	stores := make([]*Store, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = Open(context.Background(), path, Options{}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	ms, err := schema.Migrations(schema.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	var rows, maxV int
	if err := stores[3].r.QueryRow(`SELECT count(*), max(version) FROM schema_version`).Scan(&rows, &maxV); err != nil {
		t.Fatal(err)
	}
	if rows != len(ms) || maxV != len(ms) {
		t.Errorf("schema_version has %d rows up to %d, want %d", rows, maxV, len(ms))
	}
	// Each store writes; all see every study.
	for i, s := range stores {
		if _, err := s.CreateStudy(context.Background(), search.Study{Name: fmt.Sprint("s", i)}); err != nil {
			t.Errorf("store %d: %v", i, err)
		}
	}
	sums, err := stores[0].Studies(context.Background())
	if err != nil || len(sums) != n {
		t.Errorf("Studies: %d, %v; want %d studies", len(sums), err, n)
	}
}

// NaN is kept as the text 'NaN' in REAL columns (SQLite would make it
// NULL); infinities are REAL.
func TestNaNStoredAsText(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	st, err := s.CreateStudy(ctx, search.Study{Name: "nan"})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0.5} {
		tr, err := s.StartTrial(ctx, search.Trial{StudyID: st.ID, Number: i})
		if err != nil {
			t.Fatal(err)
		}
		tr.Status = search.StatusComplete
		tr.Result = &search.Result{Value: v, Values: map[string]float64{"val_loss": v}}
		if err := s.FinishTrial(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := s.r.Query(`SELECT typeof(value), CAST(value AS TEXT), typeof(val_loss), metrics FROM trials ORDER BY number`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var tv, v, tl, m string
		if err := rows.Scan(&tv, &v, &tl, &m); err != nil {
			t.Fatal(err)
		}
		got = append(got, tv+" "+v+" "+tl+" "+m)
	}
	want := []string{
		`text NaN text {"val_loss":"NaN"}`,
		`real Inf real {"val_loss":"Infinity"}`,
		`real -Inf real {"val_loss":"-Infinity"}`,
		`real 0.5 real {"val_loss":0.5}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stored\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMemory(t *testing.T) {
	s, err := Open(context.Background(), ":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.CreateStudy(context.Background(), search.Study{Name: "m"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.StudyByName(context.Background(), "m")
	if err != nil || got.ID != st.ID {
		t.Errorf("StudyByName = %v, %v", got, err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "newer.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.SchemaVersion(context.Background()); err != nil || v < 1 {
		t.Fatalf("SchemaVersion = %d, %v", v, err)
	}
	if _, err := s.w.Exec(`INSERT INTO schema_version (version, name, applied_at) VALUES (9999, 'future', '')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(context.Background(), path, Options{})
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open(newer schema) error = %v, want one saying the schema is newer", err)
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{{BusyTimeout: -1}, {Lease: -1}, {ReadConns: -1}} {
		if err := o.WithDefaults().Validate(); err == nil {
			t.Errorf("Validate(%+v) gave no error", o)
		}
	}
	if _, err := Open(context.Background(), "", Options{}); err == nil {
		t.Error("Open(\"\") gave no error")
	}
	// A directory that does not exist cannot hold the file.
	_, err := Open(context.Background(), filepath.Join(t.TempDir(), "no", "such", "dir", "x.db"), Options{})
	if err == nil {
		t.Error("Open(missing directory) gave no error")
	}
}

// The analyst views answer the questions they are there for, and studies
// cascade to their trials' rows.
func TestViews(t *testing.T) {
	s := openTemp(t)
	storetest.RunViews(t, s,
		func(ctx context.Context, stmt string) (tracker.Rows, func(), error) {
			rows, err := s.r.QueryContext(ctx, stmt)
			if err != nil {
				return nil, nil, err
			}
			return rows, func() { rows.Close() }, nil
		},
		func(ctx context.Context, stmt string) error {
			_, err := s.w.ExecContext(ctx, stmt)
			return err
		})
}

func TestMustExist(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "typo.db")
	if _, err := Open(ctx, path, Options{MustExist: true}); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "no sweep database at "+path) {
		t.Fatalf("Open(missing, MustExist) error = %v, want one naming the path and wrapping fs.ErrNotExist", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open with MustExist created %s (stat: %v)", path, err)
	}
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path, Options{MustExist: true})
	if err != nil {
		t.Fatalf("Open(existing, MustExist): %v", err)
	}
	s.Close()
	if s, err := Open(ctx, ":memory:", Options{MustExist: true}); err != nil {
		t.Errorf("Open(:memory:, MustExist): %v", err)
	} else {
		s.Close()
	}
}
