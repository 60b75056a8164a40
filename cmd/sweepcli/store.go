package sweepcli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
	"github.com/sweep-ml/sweep/tracker/postgres"
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

// openStore opens the store a DSN names, creating a missing SQLite file:
// for sweep run. The store's warnings (failed heartbeats, trials taken over
// by another process, retried connections) go to log. Errors never carry
// the DSN's password.
func openStore(ctx context.Context, dsn string, log *slog.Logger) (store, error) {
	return open(ctx, dsn, sqlite.Options{Logger: log}, postgres.Options{Logger: log})
}

// openExisting opens the store a DSN names for a command that only reads
// it: a missing SQLite file is an error saying where the store was looked
// for, not a new empty store.
func openExisting(ctx context.Context, dsn string) (store, error) {
	s, err := open(ctx, dsn, sqlite.Options{MustExist: true}, postgres.Options{})
	if errors.Is(err, fs.ErrNotExist) {
		path, _ := sqlite.Path(dsn)
		return nil, fmt.Errorf("no sweep database at %s: name the store with --db DSN or SWEEP_DB, or create it with sweep run SPEC.yaml", path)
	}
	return s, err
}

func open(ctx context.Context, dsn string, opts sqlite.Options, pgOpts postgres.Options) (store, error) {
	backend, err := tracker.BackendOf(dsn)
	if err != nil {
		return nil, fmt.Errorf("--db: %w", tracker.RedactError(err, tracker.Secrets(dsn)))
	}
	var s store
	switch backend {
	case tracker.BackendPostgres:
		s, err = postgres.Open(ctx, dsn, pgOpts)
	default:
		s, err = sqlite.Open(ctx, dsn, opts)
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
