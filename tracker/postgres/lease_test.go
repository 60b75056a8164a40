package postgres

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/sweep-ml/sweep/tracker/storetest"
)

func TestLeases(t *testing.T) {
	storetest.RunLeases(t, func(t *testing.T, now func() time.Time, lease time.Duration) (storetest.LeaseStore, storetest.LeaseStore) {
		dsn := testDSN(t)
		opts := Options{Schema: freshSchema(t, dsn), Now: now, Lease: lease}
		var stores [2]*Store
		for i := range stores {
			s, err := Open(context.Background(), dsn, opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			stores[i] = s
		}
		return stores[0], stores[1]
	})
}

func TestDeadWorker(t *testing.T) {
	dsn := testDSN(t)
	loc := os.Getenv(storetest.ChildEnv)
	if loc == "" {
		loc = freshSchema(t, dsn)
	}
	storetest.RunDeadWorker(t, "TestDeadWorker", loc, func(t *testing.T, loc string) storetest.LeaseStore {
		s, err := Open(context.Background(), dsn, Options{Schema: loc, Lease: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
