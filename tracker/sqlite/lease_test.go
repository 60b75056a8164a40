package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker/storetest"
)

func TestLeases(t *testing.T) {
	storetest.RunLeases(t, func(t *testing.T, now func() time.Time, lease time.Duration) (storetest.LeaseStore, storetest.LeaseStore) {
		path := filepath.Join(t.TempDir(), "shared.db")
		var stores [2]*Store
		for i := range stores {
			s, err := Open(context.Background(), path, Options{Now: now, Lease: lease})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Error(err)
				}
			})
			stores[i] = s
		}
		return stores[0], stores[1]
	})
}

func TestDeadWorker(t *testing.T) {
	loc := os.Getenv(storetest.ChildEnv)
	if loc == "" {
		loc = filepath.Join(t.TempDir(), "dead.db")
	}
	storetest.RunDeadWorker(t, "TestDeadWorker", loc, func(t *testing.T, loc string) storetest.LeaseStore {
		s, err := Open(context.Background(), loc, Options{Lease: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// A running row from before heartbeats (worker = bare host name, an hour's
// lease nobody renews) is freed by migration 4.
func TestMigrationReleasesUnrenewedLeases(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(ctx, path, Options{Lease: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.CreateStudy(ctx, search.Study{Name: "old", Objective: "val_macro_f1", Direction: search.Maximize})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartTrial(ctx, search.Trial{StudyID: st.ID, Number: 0, Host: "oldhost"}); err != nil {
		t.Fatal(err)
	}
	// Turn the row and the schema back into what an older build left.
	for _, q := range []string{`UPDATE trials SET worker = 'oldhost'`, `DELETE FROM schema_version WHERE version = 4`} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s, err = Open(ctx, path, Options{Lease: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if tr, err := s.StartTrial(ctx, search.Trial{StudyID: st.ID, Number: 0}); err != nil || tr.Attempt != 2 {
		t.Errorf("after migration 4: attempt %d, err %v; want the old trial taken over (attempt 2)", tr.Attempt, err)
	}
}
