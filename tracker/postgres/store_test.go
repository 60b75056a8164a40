package postgres

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sweep-ml/sweep/search"
	schema "github.com/sweep-ml/sweep/sql"
	"github.com/sweep-ml/sweep/tracker"
	"github.com/sweep-ml/sweep/tracker/storetest"
)

// testDSN returns SWEEP_TEST_DATABASE_URL, skipping the test loudly when it
// is unset, or failing it when CI=true.
func testDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("SWEEP_TEST_DATABASE_URL")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("SWEEP_TEST_DATABASE_URL is not set and CI=true: the PostgreSQL store must be tested in CI")
		}
		t.Skip("!!! SKIPPING PostgreSQL tests: set SWEEP_TEST_DATABASE_URL=postgres://user@host:5432/db?sslmode=disable to run them !!!")
	}
	return dsn
}

// freshSchema returns the name of a schema no other run uses and drops it
// (with everything in it) when the test ends.
func freshSchema(t testing.TB, dsn string) string {
	t.Helper()
	name := "sweep_test_" + strings.ToLower(rand.Text()[:16])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{name}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return name
}

// openTest opens a store in a fresh schema.
func openTest(t testing.TB, opts Options) *Store {
	t.Helper()
	dsn := testDSN(t)
	opts.Schema = freshSchema(t, dsn)
	s, err := Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return openTest(t, Options{}) })
}

// Eight processes starting at once on a fresh schema: the advisory lock
// makes exactly one apply the migrations and the others wait for it.
func TestConcurrentOpen(t *testing.T) {
	dsn := testDSN(t)
	name := freshSchema(t, dsn)
	const n = 8
	var wg sync.WaitGroup
	stores := make([]*Store, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			stores[i], errs[i] = Open(context.Background(), dsn, Options{Schema: name, MaxConns: 2})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	ms, err := schema.Migrations(schema.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	var rows, maxV int
	if err := stores[0].Pool().QueryRow(context.Background(), `SELECT count(*), max(version) FROM schema_version`).Scan(&rows, &maxV); err != nil {
		t.Fatal(err)
	}
	if rows != len(ms) || maxV != len(ms) {
		t.Errorf("schema_version has %d rows up to %d, want %d", rows, maxV, len(ms))
	}
	for i, s := range stores {
		if _, err := s.CreateStudy(context.Background(), search.Study{Name: fmt.Sprint("s", i), Objective: "val_macro_f1"}); err != nil {
			t.Errorf("store %d: %v", i, err)
		}
	}
}

const canary = "CANARY-pw-7f3a9"

// The DSN's password must not appear in any error or log line, whatever
// fails: refused connection, unknown host, malformed DSN, bad option,
// unknown database or user.
func TestPasswordNeverLeaks(t *testing.T) {
	host, port := "127.0.0.1", uint16(5432)
	live := os.Getenv("SWEEP_TEST_DATABASE_URL")
	if live != "" {
		if cfg, err := pgconn.ParseConfig(live); err == nil {
			host, port = cfg.Host, cfg.Port
		}
	}
	server := fmt.Sprintf("%s:%d", host, port)
	cases := []struct {
		name, dsn   string
		needsServer bool
	}{
		{"connection refused", "postgres://postgres:" + canary + "@127.0.0.1:1/test?sslmode=disable&connect_timeout=2", false},
		{"unknown host", "postgres://postgres:" + canary + "@no-such-host.invalid:5432/test?sslmode=disable&connect_timeout=2", false},
		{"malformed port", "postgres://postgres:" + canary + "@127.0.0.1:notaport/test", false},
		{"bad sslmode", "postgres://postgres:" + canary + "@127.0.0.1:1/test?sslmode=bogus", false},
		{"bad pool option", "postgres://postgres:" + canary + "@127.0.0.1:1/test?pool_max_conns=many", false},
		{"bad escape", "postgres://postgres:" + canary + "%zz@127.0.0.1:1/test", false},
		{"unescaped at sign", "postgres://postgres:" + canary + "@x@127.0.0.1:1/test?sslmode=disable&connect_timeout=2", false},
		{"percent-encoded", "postgres://postgres:" + strings.ReplaceAll(canary, "-", "%2D") + "@127.0.0.1:1/test?sslmode=disable&connect_timeout=2", false},
		{"keyword form", "host=127.0.0.1 port=1 user=postgres password=" + canary + " dbname=test sslmode=disable connect_timeout=2", false},
		{"password parameter", "postgres://postgres@127.0.0.1:1/test?password=" + canary + "&sslmode=disable&connect_timeout=2", false},
		{"unknown database", "postgres://postgres:" + canary + "@" + server + "/no_such_db_sweep?sslmode=disable&connect_timeout=5", true},
		{"unknown user", "postgres://no_such_user_sweep:" + canary + "@" + server + "/test?sslmode=disable&connect_timeout=5", true},
		{"read-only server", "postgres://postgres:" + canary + "@" + server + "/test?sslmode=disable&connect_timeout=5&default_transaction_read_only=on", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.needsServer && live == "" {
				testDSN(t)
			}
			var logs bytes.Buffer
			opts := Options{
				Logger: slog.New(slog.NewTextHandler(&logs, nil)),
				Retry:  Retry{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond},
			}
			if c.needsServer {
				opts.Schema = freshSchema(t, live)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s, err := Open(ctx, c.dsn, opts)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%s) succeeded", c.name)
			}
			for what, text := range map[string]string{"error": err.Error(), "%+v": fmt.Sprintf("%+v", err), "%#v": fmt.Sprintf("%#v", err), "log": logs.String()} {
				for _, secret := range []string{canary, strings.ReplaceAll(canary, "-", "%2D")} {
					if strings.Contains(text, secret) {
						t.Errorf("%s contains the password:\n%s", what, text)
					}
				}
			}
			for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
				if strings.Contains(u.Error(), canary) {
					t.Errorf("a wrapped error contains the password: %s", u.Error())
				}
			}
			if c.name == "connection refused" && !strings.Contains(logs.String(), "retrying") {
				t.Errorf("a refused connection was not retried (log: %q)", logs.String())
			}
			t.Logf("error: %v", err)
		})
	}
}

// When the server drops the store's connections, calls are retried on new
// ones; constraint violations are never retried.
func TestRetryAfterConnectionsDrop(t *testing.T) {
	dsn := testDSN(t)
	name := freshSchema(t, dsn)
	app := "sweep_retry_" + name
	var logs bytes.Buffer
	var mu sync.Mutex
	s, err := Open(context.Background(), dsn+sep(dsn)+"application_name="+app, Options{
		Schema: name,
		Logger: slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil)),
		Retry:  Retry{MaxAttempts: 5, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	st, err := s.CreateStudy(ctx, search.Study{Name: "drop", Objective: "val_macro_f1"})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var killed int
	if err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed == 0 {
		t.Fatal("no connection of the store to terminate")
	}
	got, err := s.StudyByName(ctx, "drop")
	if err != nil || got.ID != st.ID {
		t.Fatalf("StudyByName after the connections dropped: %v, %v", got, err)
	}
	mu.Lock()
	retried := strings.Contains(logs.String(), "retrying")
	mu.Unlock()
	if !retried {
		t.Error("no retry was logged after the connections dropped")
	}
	tr, err := s.StartTrial(ctx, search.Trial{StudyID: st.ID, Number: 0})
	if err != nil {
		t.Fatalf("StartTrial after the connections dropped: %v", err)
	}
	if tr.Attempt != 1 {
		t.Errorf("attempt %d, want 1", tr.Attempt)
	}
	// Drop them again: the trial's batch is sent again on a new connection.
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, app); err != nil {
		t.Fatal(err)
	}
	tr.Status, tr.Result = search.StatusComplete, storetest.BenchResult()
	if err := s.FinishTrial(ctx, tr); err != nil {
		t.Fatalf("FinishTrial after the connections dropped: %v", err)
	}
	d, err := s.Trial(ctx, tr.ID)
	if err != nil || d.Trial.Status != search.StatusComplete || len(d.Trial.Result.History) != 100 {
		t.Fatalf("Trial after FinishTrial: %v", err)
	}
	mu.Lock()
	logs.Reset()
	mu.Unlock()
	if _, err := s.CreateStudy(ctx, search.Study{Name: "drop", Objective: "val_macro_f1"}); !errors.Is(err, search.ErrStudyExists) {
		t.Errorf("duplicate study: %v, want ErrStudyExists", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(logs.String(), "retrying") {
		t.Errorf("a unique violation was retried:\n%s", logs.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func sep(dsn string) string {
	if strings.Contains(dsn, "?") {
		return "&"
	}
	return "?"
}

func TestRetryable(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "40001"}, true},
		{&pgconn.PgError{Code: "40P01"}, true},
		{&pgconn.PgError{Code: "57P01"}, true},
		{&pgconn.PgError{Code: "08006"}, true},
		{fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: "08003"}), true},
		{&pgconn.PgError{Code: "23505"}, false},
		{&pgconn.PgError{Code: "23503"}, false},
		{&pgconn.PgError{Code: "42601"}, false},
		{io.ErrUnexpectedEOF, true},
		{context.Canceled, false},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), false},
		{errors.New("some other error"), false},
		{nil, false},
	}
	for _, c := range cases {
		if got := Retryable(c.err); got != c.want {
			t.Errorf("Retryable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	cases := []struct {
		name string
		o    Options
		want string
	}{
		{"negative lease", Options{Lease: -1}, "lease"},
		{"too many attempts", Options{Retry: Retry{MaxAttempts: 1000}}, "retry.max_attempts"},
		{"max below base", Options{Retry: Retry{BaseDelay: time.Second, MaxDelay: time.Millisecond}}, "retry delays"},
		{"negative conns", Options{MaxConns: -1}, "max_conns"},
	}
	for _, c := range cases {
		err := c.o.WithDefaults().Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Validate() = %v, want an error naming %s", c.name, err, c.want)
		}
	}
	if err := (Options{}).WithDefaults().Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

// The analyst views answer the questions they are there for, and studies
// cascade to their trials' rows.
func TestViews(t *testing.T) {
	s := openTest(t, Options{})
	storetest.RunViews(t, s,
		func(ctx context.Context, stmt string) (tracker.Rows, func(), error) {
			rows, err := s.Pool().Query(ctx, stmt)
			if err != nil {
				return nil, nil, err
			}
			return rows, rows.Close, nil
		},
		func(ctx context.Context, stmt string) error {
			_, err := s.Pool().Exec(ctx, stmt)
			return err
		})
}

func ExampleOpen() {
	ctx := context.Background()
	s, err := Open(ctx, "postgres://sweep:secret@db.example:5432/sweep?sslmode=require", Options{Schema: "team_a"})
	if err != nil {
		fmt.Println(err) // never contains the password
		return
	}
	defer s.Close()
	top, err := s.Leaderboard(ctx, tracker.LeaderboardQuery{Study: "iris-mlp", Metric: "val_macro_f1", Limit: 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range top {
		fmt.Println(e.TrialID, e.Value, e.Params)
	}
}

// Retries stop when the context ends, and say so.
func TestRetryStopsWithContext(t *testing.T) {
	var logs bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := Open(ctx, "postgres://postgres:"+canary+"@127.0.0.1:1/test?sslmode=disable", Options{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Retry:  Retry{MaxAttempts: 100, BaseDelay: 40 * time.Millisecond, MaxDelay: 40 * time.Millisecond},
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Open error = %v, want one wrapping context.DeadlineExceeded", err)
	}
	if n := strings.Count(logs.String(), "retrying"); n == 0 || n >= 100 {
		t.Errorf("%d retries logged, want some and fewer than the 100 allowed", n)
	}
	if strings.Contains(err.Error(), canary) || strings.Contains(logs.String(), canary) {
		t.Error("the password leaked")
	}
}
