package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

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
