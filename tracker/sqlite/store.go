// Package sqlite is sweep's single-file tracker: a search.Store and the
// tracker queries over SQLite (modernc.org/sqlite, pure Go, no cgo).
//
// The database runs in WAL mode with a busy timeout and foreign keys on.
// All writes go through one connection and start with BEGIN IMMEDIATE, so
// goroutines of one process queue in Go and several processes queue on the
// file lock instead of failing with SQLITE_BUSY mid-transaction; reads use a
// separate pool and do not wait for writers. Migrations from package
// sweep/sql are applied at Open.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/sweep-ml/sweep/search"
	schema "github.com/sweep-ml/sweep/sql"
	"github.com/sweep-ml/sweep/tracker"
)

var _ search.Store = (*Store)(nil)

// Options tune a Store. The zero value is ready to use.
type Options struct {
	// BusyTimeout is how long a statement waits for another process's
	// lock before failing; default 10s.
	BusyTimeout time.Duration
	// Lease is how long a started trial stays claimed without a heartbeat
	// (lease_expires_at); default tracker.DefaultLease, at least
	// tracker.MinLease. The store renews the leases of the trials it runs
	// every third of it; another process takes over a running trial only
	// once its lease has expired. Leases are taken and compared on the
	// clock of each process (Now): the processes sharing a file share a
	// machine, and its clock.
	Lease time.Duration
	// Now is the clock for created_at, heartbeat_at and lease_expires_at;
	// default time.Now.
	Now func() time.Time
	// ReadConns is the size of the read pool; default 4.
	ReadConns int
	// Logger receives warnings about failed heartbeats and trials taken
	// over by another process; nil logs nothing.
	Logger *slog.Logger
	// MustExist makes Open fail (wrapping fs.ErrNotExist) instead of
	// creating a missing file: for commands that only read, where a
	// mistyped path would otherwise show an empty store.
	MustExist bool
}

// WithDefaults fills zero fields with their defaults.
func (o Options) WithDefaults() Options {
	if o.BusyTimeout == 0 {
		o.BusyTimeout = 10 * time.Second
	}
	if o.Lease == 0 {
		o.Lease = tracker.DefaultLease
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ReadConns == 0 {
		o.ReadConns = 4
	}
	return o
}

// Validate reports the first invalid field.
func (o Options) Validate() error {
	switch {
	case o.BusyTimeout < 0:
		return fmt.Errorf("sqlite options: busy_timeout %v is negative", o.BusyTimeout)
	case o.Lease < 0 || o.Lease > 0 && o.Lease < tracker.MinLease:
		return fmt.Errorf("sqlite options: lease %v: want at least %v", o.Lease, tracker.MinLease)
	case o.ReadConns < 0:
		return fmt.Errorf("sqlite options: read_conns %d is negative", o.ReadConns)
	}
	return nil
}

// Store is a tracker over one SQLite file. It is safe for concurrent use.
type Store struct {
	w     *sql.DB // the single writer connection
	r     *sql.DB // readers (the writer itself for :memory:)
	opts  Options
	stmts *statements // prepared on w

	worker string          // this store's name in the trials' worker column
	leases *tracker.Leases // heartbeats of the trials this store started
}

// Path returns the file path a SQLite DSN names: "sqlite:PATH",
// "sqlite://PATH", "file:PATH" or a plain PATH (":memory:" for a private
// in-memory database). Query strings are not supported.
func Path(dsn string) (string, error) {
	p := dsn
	for _, prefix := range []string{"sqlite://", "sqlite3://", "sqlite:", "sqlite3:", "file://", "file:"} {
		if len(p) >= len(prefix) && strings.EqualFold(p[:len(prefix)], prefix) {
			p = p[len(prefix):]
			break
		}
	}
	switch {
	case p == "":
		return "", fmt.Errorf("sqlite DSN %q: no file path", dsn)
	case strings.ContainsRune(p, '?'):
		return "", fmt.Errorf("sqlite DSN %q: a path with '?' or a query string is not supported", dsn)
	case strings.ContainsRune(p, 0):
		return "", fmt.Errorf("sqlite DSN %q: NUL byte in path", dsn)
	}
	return p, nil
}

// Open opens (creating if needed) the SQLite database dsn names (see
// Path), applies any pending migrations and returns the store. Opening the
// same file from many goroutines or processes at once is safe.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	opts = opts.WithDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	path, err := Path(dsn)
	if err != nil {
		return nil, err
	}
	busy := fmt.Sprintf("_pragma=busy_timeout(%d)", opts.BusyTimeout.Milliseconds())
	memory := path == ":memory:"
	if opts.MustExist && !memory {
		if _, err := os.Stat(path); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("no sweep database at %s: %w", path, fs.ErrNotExist)
			}
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
	}
	wdsn := path + "?" + busy + "&_pragma=foreign_keys(1)&_txlock=immediate"
	if !memory {
		// synchronous=NORMAL is durable against crashes of the process in
		// WAL mode; a power cut may lose the last commits, never corrupt.
		wdsn += "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	}
	w, err := sql.Open("sqlite", wdsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{w: w, r: w, opts: opts, worker: tracker.WorkerID()}
	s.leases = tracker.NewLeases(opts.Lease/3, s.renewLeases, opts.Logger)
	if err := s.migrateWaiting(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if s.stmts, err = prepareStatements(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if !memory {
		r, err := sql.Open("sqlite", path+"?"+busy+"&_pragma=foreign_keys(1)&_pragma=query_only(1)")
		if err != nil {
			s.stmts.close()
			w.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		r.SetMaxOpenConns(opts.ReadConns)
		r.SetMaxIdleConns(opts.ReadConns)
		s.r = r
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.leases.Close()
	s.stmts.close()
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// migrateWaiting runs migrate, trying again while the file is busy, up to
// Options.BusyTimeout. Processes opening a fresh file at once can get
// SQLITE_BUSY without the busy handler being called (while one of them
// creates the write-ahead log), from the first statement on a connection.
func (s *Store) migrateWaiting(ctx context.Context) error {
	deadline := time.Now().Add(s.opts.BusyTimeout)
	wait := 5 * time.Millisecond
	for {
		err := s.migrate(ctx)
		if !isBusy(err) || time.Now().Add(wait).After(deadline) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (gave up waiting: %w)", err, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// isBusy reports whether err is SQLITE_BUSY or one of its extended codes.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// migrate applies the pending migrations in one IMMEDIATE transaction, so
// that concurrent Opens of a fresh file apply them exactly once.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := schema.Migrations(schema.SQLite)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: create schema_version: %w", err)
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&current); err != nil {
		return fmt.Errorf("migrate: read schema_version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("migrate: database is at schema version %d, newer than this build knows (%d)", current, len(ms))
	}
	for _, m := range ms[current:] {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migrate: apply %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)`,
			m.Version, m.Name, formatTime(s.opts.Now())); err != nil {
			return fmt.Errorf("migrate: record %s: %w", m.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}

// SchemaVersion returns the highest migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// CreateStudy implements search.Store.
func (s *Store) CreateStudy(ctx context.Context, st search.Study) (search.Study, error) {
	if st.Name == "" {
		return st, errors.New("create study: empty name")
	}
	if st.Direction != search.Maximize && st.Direction != search.Minimize {
		return st, fmt.Errorf("create study %q: invalid direction %d", st.Name, int(st.Direction))
	}
	st.CreatedAt = s.opts.Now().UTC().Truncate(time.Microsecond)
	spec := st.Spec
	if spec == nil {
		spec = []byte{}
	}
	res, err := s.w.ExecContext(ctx, `INSERT INTO studies (name, spec, objective, direction, seed, dataset_fingerprint, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		st.Name, spec, st.Objective, st.Direction.String(), int64(st.Seed), st.DatasetFingerprint, formatTime(st.CreatedAt))
	if err != nil {
		if isConstraint(err, sqlite3.SQLITE_CONSTRAINT_UNIQUE) {
			return st, fmt.Errorf("create study %q: %w", st.Name, search.ErrStudyExists)
		}
		return st, fmt.Errorf("create study %q: %w", st.Name, err)
	}
	if st.ID, err = res.LastInsertId(); err != nil {
		return st, fmt.Errorf("create study %q: %w", st.Name, err)
	}
	return st, nil
}

const studyColumns = `id, name, spec, objective, direction, seed, dataset_fingerprint, created_at`

type scanner interface{ Scan(dest ...any) error }

func scanStudy(row scanner) (search.Study, error) {
	var st search.Study
	var dir, created string
	var seed int64
	if err := row.Scan(&st.ID, &st.Name, &st.Spec, &st.Objective, &dir, &seed, &st.DatasetFingerprint, &created); err != nil {
		return st, err
	}
	st.Seed = uint64(seed)
	var err error
	if st.Direction, err = search.ParseDirection(dir); err != nil {
		return st, fmt.Errorf("study %d: %w", st.ID, err)
	}
	if st.CreatedAt, err = parseTime(created); err != nil {
		return st, fmt.Errorf("study %d: created_at: %w", st.ID, err)
	}
	if st.Spec == nil {
		st.Spec = []byte{}
	}
	return st, nil
}

// StudyByName implements search.Store.
func (s *Store) StudyByName(ctx context.Context, name string) (search.Study, error) {
	st, err := scanStudy(s.r.QueryRowContext(ctx, `SELECT `+studyColumns+` FROM studies WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("study %q: %w", name, search.ErrNotFound)
	}
	if err != nil {
		return st, fmt.Errorf("study %q: %w", name, err)
	}
	return st, nil
}

func (s *Store) studyByID(ctx context.Context, q querier, id int64) (search.Study, error) {
	st, err := scanStudy(q.QueryRowContext(ctx, `SELECT `+studyColumns+` FROM studies WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("study %d: %w", id, search.ErrNotFound)
	}
	if err != nil {
		return st, fmt.Errorf("study %d: %w", id, err)
	}
	return st, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func isConstraint(err error, code int) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == code
}
