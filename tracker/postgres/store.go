// Package postgres is sweep's shared tracker: a search.Store and the
// tracker queries over PostgreSQL (pgx/v5, pgxpool).
//
// Every call takes a context. Each state change of a trial is one
// transaction (a finished trial is written whole or not at all, its epoch
// and class rows inserted with one batch). Calls are retried with bounded,
// jittered exponential backoff when the connection drops, the server shuts
// down or a transaction hits a serialization failure or deadlock; never on
// a constraint violation. Migrations from package sweep/sql are applied at
// Open under an advisory lock, so many processes may start at once. The
// DSN's password never appears in an error or a log line.
//
// Session settings go in the DSN: pgx passes unknown parameters to the
// server, e.g. "&synchronous_commit=off" trades the last commits before a
// server crash for not waiting on the WAL flush (see BENCHMARKS.md).
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sweep-ml/sweep/search"
	schema "github.com/sweep-ml/sweep/sql"
	"github.com/sweep-ml/sweep/tracker"
)

var _ search.Store = (*Store)(nil)

// Retry bounds the retries of one call.
type Retry struct {
	// MaxAttempts is the number of tries, first included; default 5. 1
	// disables retrying.
	MaxAttempts int
	// BaseDelay is the delay before the second try; default 50ms. Each
	// further try doubles it, up to MaxDelay (default 2s); the actual
	// delay is drawn uniformly from [delay/2, delay] (jitter).
	BaseDelay time.Duration
	MaxDelay  time.Duration
}

// Options tune a Store. The zero value is ready to use.
type Options struct {
	// Schema, when set, is created if missing and becomes the connections'
	// search_path: the tables live there. Empty uses the DSN's search_path.
	Schema string
	// Lease is how long a started trial stays claimed without a heartbeat
	// (lease_expires_at); default tracker.DefaultLease, at least
	// tracker.MinLease. The store renews the leases of the trials it runs
	// every third of it; another process takes over a running trial only
	// once its lease has expired.
	Lease time.Duration
	// Now is the clock for created_at, finished trials' heartbeat_at and,
	// when set, for leases; default time.Now. Left nil, leases are taken
	// and compared on the server's clock, so that processes on machines
	// whose clocks disagree never take each other's live trials.
	Now func() time.Time
	// Retry bounds retries; see Retry for the defaults.
	Retry Retry
	// Logger receives a warning per retry (DSN password removed); nil
	// logs nothing.
	Logger *slog.Logger
	// MaxConns is the pool size; 0 keeps pgxpool's default (or the DSN's
	// pool_max_conns).
	MaxConns int32
	// JitterSeed seeds the retry jitter; 0 derives one from the process ID
	// and the time of Open, so that processes do not retry in step.
	JitterSeed uint64
}

// WithDefaults fills zero fields with their defaults.
func (o Options) WithDefaults() Options {
	if o.Lease == 0 {
		o.Lease = tracker.DefaultLease
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Retry.MaxAttempts == 0 {
		o.Retry.MaxAttempts = 5
	}
	if o.Retry.BaseDelay == 0 {
		o.Retry.BaseDelay = 50 * time.Millisecond
	}
	if o.Retry.MaxDelay == 0 {
		o.Retry.MaxDelay = 2 * time.Second
	}
	return o
}

// Validate reports the first invalid field.
func (o Options) Validate() error {
	switch {
	case o.Lease < 0 || o.Lease > 0 && o.Lease < tracker.MinLease:
		return fmt.Errorf("postgres options: lease %v: want at least %v", o.Lease, tracker.MinLease)
	case o.Retry.MaxAttempts < 1 || o.Retry.MaxAttempts > 100:
		return fmt.Errorf("postgres options: retry.max_attempts %d is outside 1..100", o.Retry.MaxAttempts)
	case o.Retry.BaseDelay < 0 || o.Retry.MaxDelay < o.Retry.BaseDelay:
		return fmt.Errorf("postgres options: retry delays base %v, max %v: want 0 <= base <= max", o.Retry.BaseDelay, o.Retry.MaxDelay)
	case o.MaxConns < 0:
		return fmt.Errorf("postgres options: max_conns %d is negative", o.MaxConns)
	}
	return nil
}

// Store is a tracker over one PostgreSQL database (and schema). It is safe
// for concurrent use.
type Store struct {
	pool    *pgxpool.Pool
	opts    Options
	secrets []string
	worker  string          // this store's name in the trials' worker column
	leases  *tracker.Leases // heartbeats of the trials this store started
	// leaseClock is Options.Now when the caller set it; nil means the
	// server's clock.
	leaseClock func() time.Time

	mu  sync.Mutex // guards rng
	rng *rand.Rand
}

// Open connects to the PostgreSQL server the DSN (postgres:// or
// postgresql://) names, applies any pending migrations and returns the
// store. Errors never contain the DSN's password.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	secrets := tracker.Secrets(dsn)
	leaseClock := opts.Now
	opts = opts.WithDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, tracker.RedactError(fmt.Errorf("postgres: parse DSN %s: %w", tracker.RedactDSN(dsn), err), secrets)
	}
	if opts.Schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{opts.Schema}.Sanitize()
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	seed := opts.JitterSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano()) ^ uint64(os.Getpid())<<32
	}
	s := &Store{opts: opts, secrets: secrets, rng: rand.New(rand.NewPCG(seed, 0x5eed)), worker: tracker.WorkerID()}
	s.leaseClock = leaseClock
	s.leases = tracker.NewLeases(opts.Lease/3, s.renewLeases, opts.Logger)
	where := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	s.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, s.redact(fmt.Errorf("postgres %s: %w", where, err))
	}
	if err := s.retry(ctx, "connect", func(ctx context.Context) error { return s.pool.Ping(ctx) }); err != nil {
		s.pool.Close()
		return nil, fmt.Errorf("postgres %s: %w", where, err)
	}
	if err := s.retry(ctx, "migrate", s.migrate); err != nil {
		s.pool.Close()
		return nil, fmt.Errorf("postgres %s: %w", where, err)
	}
	return s, nil
}

// Close stops the heartbeats and closes the pool's connections. It always
// returns nil; the error is there so that both stores are io.Closers.
func (s *Store) Close() error {
	s.leases.Close()
	s.pool.Close()
	return nil
}

// Pool returns the connection pool, for tests and tools that query the
// schema directly.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// migrate applies pending migrations in one transaction holding a
// transaction-level advisory lock keyed by the schema, so that concurrent
// Opens wait for each other and the first applies them.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := schema.Migrations(schema.Postgres)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('sweep-migrate:' || coalesce(nullif($1, ''), current_schema(), ''), 0))`, s.opts.Schema); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		if s.opts.Schema != "" {
			if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{s.opts.Schema}.Sanitize()); err != nil {
				return fmt.Errorf("migrate: create schema: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("migrate: create schema_version: %w", err)
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&current); err != nil {
			return fmt.Errorf("migrate: read schema_version: %w", err)
		}
		if current > len(ms) {
			return fmt.Errorf("migrate: database is at schema version %d, newer than this build knows (%d)", current, len(ms))
		}
		for _, m := range ms[current:] {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migrate: apply %s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
				return fmt.Errorf("migrate: record %s: %w", m.Name, err)
			}
		}
		return nil
	})
}

// SchemaVersion returns the highest migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.retry(ctx, "schema version", func(ctx context.Context) error {
		return s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v)
	})
	return v, err
}

// retry runs fn until it succeeds, fails with an error that is not
// retryable, runs out of attempts or ctx ends. The error it returns is
// redacted.
func (s *Store) retry(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	delay := s.opts.Retry.BaseDelay
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if cerr := ctx.Err(); cerr != nil && Retryable(err) && !errors.Is(err, cerr) {
			// The context ended while fn failed on its own: say both.
			return s.redact(fmt.Errorf("%w (gave up retrying: %w)", err, cerr))
		}
		if attempt >= s.opts.Retry.MaxAttempts || !Retryable(err) || ctx.Err() != nil {
			return s.redact(err)
		}
		s.mu.Lock()
		wait := delay/2 + time.Duration(s.rng.Int64N(int64(delay/2)+1))
		s.mu.Unlock()
		if s.opts.Logger != nil {
			s.opts.Logger.WarnContext(ctx, "postgres: retrying", "op", op, "attempt", attempt,
				"wait", wait, "error", s.redact(err).Error())
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return s.redact(fmt.Errorf("%w (gave up retrying: %w)", err, ctx.Err()))
		case <-timer.C:
		}
		delay = min(2*delay, s.opts.Retry.MaxDelay)
	}
}

func (s *Store) redact(err error) error { return tracker.RedactError(err, s.secrets) }

// Retryable reports whether err is worth retrying the whole call for: the
// connection failed or dropped, the server is shutting down or starting,
// or the transaction lost a serialization race or a deadlock. Constraint
// violations, syntax errors and cancelled contexts are not.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "40001", // serialization_failure
			"40P01", // deadlock_detected
			"57P01", // admin_shutdown
			"57P02", // crash_shutdown
			"57P03", // cannot_connect_now
			"53300": // too_many_connections
			return true
		}
		return len(pgErr.Code) == 5 && pgErr.Code[:2] == "08" // connection_exception
	}
	if pgconn.SafeToRetry(err) {
		return true
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, net.ErrClosed)
}

// constraint reports whether err is a PostgreSQL error with that SQLSTATE.
func constraint(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}
