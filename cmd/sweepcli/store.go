package sweepcli

import (
	"context"
	"fmt"
	"io"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
	"github.com/sweep-ml/sweep/tracker/sqlite"
)

// store is what the command line needs from a tracker: the driver's Store
// plus the queries.
type store interface {
	search.Store
	Trial(ctx context.Context, id int64) (tracker.TrialDetail, error)
	Leaderboard(ctx context.Context, q tracker.LeaderboardQuery) ([]tracker.Entry, error)
	Studies(ctx context.Context) ([]tracker.StudySummary, error)
	Export(ctx context.Context, study string, f tracker.Format, w io.Writer) error
	Close() error
}

// openStore opens the store a DSN names. Errors never carry the DSN's
// password.
func openStore(ctx context.Context, dsn string) (store, error) {
	backend, err := tracker.BackendOf(dsn)
	if err != nil {
		return nil, fmt.Errorf("--db: %w", tracker.RedactError(err, tracker.Secrets(dsn)))
	}
	var s store
	switch backend {
	case tracker.BackendPostgres:
		s, err = openPostgres(ctx, dsn)
	default:
		s, err = sqlite.Open(ctx, dsn, sqlite.Options{})
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", tracker.RedactDSN(dsn), tracker.RedactError(err, tracker.Secrets(dsn)))
	}
	return s, nil
}

// describeStore names the store for the plan, without its password.
func describeStore(dsn string) string {
	backend, err := tracker.BackendOf(dsn)
	if err != nil {
		return tracker.RedactDSN(dsn)
	}
	if backend == tracker.BackendSQLite {
		if p, err := sqlite.Path(dsn); err == nil {
			return "SQLite " + p
		}
	}
	return "PostgreSQL " + tracker.RedactDSN(dsn)
}
