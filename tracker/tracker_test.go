package tracker

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sweep-ml/sweep/search"
)

func TestMetricsRoundTrip(t *testing.T) {
	cases := []map[string]float64{
		nil,
		{},
		{"val_loss": math.NaN(), "a": math.Inf(1), "b": math.Inf(-1), "c": 0.1 + 0.2, "d": math.Copysign(0, -1), "e": math.MaxFloat64, "f": math.SmallestNonzeroFloat64},
		{`"quoted" key\`: 1},
	}
	for _, m := range cases {
		b, err := EncodeMetrics(m)
		if err != nil {
			t.Fatalf("EncodeMetrics(%v): %v", m, err)
		}
		got, err := DecodeMetrics(b)
		if err != nil {
			t.Fatalf("DecodeMetrics(%s): %v", b, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(m) || (m == nil) != (got == nil) {
			t.Errorf("round trip of %v via %s gave %v", m, b, got)
		}
	}
	b, _ := EncodeMetrics(map[string]float64{"z": math.NaN(), "a": math.Inf(-1), "m": 2})
	if want := `{"a":"-Infinity","m":2,"z":"NaN"}`; string(b) != want {
		t.Errorf("EncodeMetrics = %s, want %s (sorted keys, non-finite as strings)", b, want)
	}
}

func TestFloatsRoundTrip(t *testing.T) {
	xs := []float64{1, math.NaN(), math.Inf(1), math.Inf(-1), 1e-300, 0.1}
	b, err := EncodeFloats(xs)
	if err != nil {
		t.Fatal(err)
	}
	if want := `[1,"NaN","Infinity","-Infinity",1e-300,0.1]`; string(b) != want {
		t.Errorf("EncodeFloats = %s, want %s", b, want)
	}
	got, err := DecodeFloats(b)
	if err != nil || fmt.Sprint(got) != fmt.Sprint(xs) {
		t.Errorf("DecodeFloats(%s) = %v, %v", b, got, err)
	}
	for _, bad := range []string{`["nan?"]`, `[true]`, `{}`, `[1,`} {
		if _, err := DecodeFloats([]byte(bad)); err == nil {
			t.Errorf("DecodeFloats(%s) gave no error", bad)
		}
	}
	if got, err := DecodeFloats([]byte("null")); got != nil || err != nil {
		t.Errorf("DecodeFloats(null) = %v, %v", got, err)
	}
}

func FuzzDecodeMetrics(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":"NaN"}`, `null`, `{"a":"-Infinity","b":1e308}`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMetrics(b)
		if err != nil {
			return
		}
		// Whatever decodes must encode and decode to the same values.
		enc, err := EncodeMetrics(m)
		if err != nil {
			t.Fatalf("EncodeMetrics(%v): %v", m, err)
		}
		again, err := DecodeMetrics(enc)
		if err != nil || fmt.Sprint(again) != fmt.Sprint(m) {
			t.Errorf("%s → %v → %s → %v, %v", b, m, enc, again, err)
		}
	})
}

func TestBackendOf(t *testing.T) {
	cases := []struct {
		dsn  string
		want Backend
		err  bool
	}{
		{"postgres://u@h/db", BackendPostgres, false},
		{"postgresql://u:p@h:5432/db?sslmode=disable", BackendPostgres, false},
		{"POSTGRES://h/db", BackendPostgres, false},
		{"sqlite:sweep.db", BackendSQLite, false},
		{"sqlite:///tmp/sweep.db", BackendSQLite, false},
		{"file:sweep.db", BackendSQLite, false},
		{"sweep.db", BackendSQLite, false},
		{"/var/lib/sweep/sweep.db", BackendSQLite, false},
		{`C:\sweep\sweep.db`, BackendSQLite, false},
		{"./results:2026.db", BackendSQLite, false},
		// Keyword/value DSNs, as libpq and pgx read them.
		{"host=127.0.0.1 user=postgres password=canary-pw-123", BackendPostgres, false},
		{"  dbname=sweep", BackendPostgres, false},
		{"application_name=x HOST=h", "", true}, // pgx would send HOST to the server as a setting
		{"sslmode=disable host = h port=5432", BackendPostgres, false},
		{"host = h", BackendPostgres, false},
		{"password='a b' host=h", BackendPostgres, false},
		// File names holding "=" stay SQLite unless a connection keyword
		// says otherwise.
		{"results=2026.db", BackendSQLite, false},
		{"./host=h.db", BackendSQLite, false},
		{"data/my host=1.db", BackendSQLite, false},
		{"sqlite:host=h.db", BackendSQLite, false},
		{"mysql://u@h/db", "", true},
		{"", "", true},
		{"   ", "", true},
	}
	for _, c := range cases {
		got, err := BackendOf(c.dsn)
		if got != c.want || (err != nil) != c.err {
			t.Errorf("BackendOf(%q) = %q, %v; want %q, error %v", c.dsn, got, err, c.want, c.err)
		}
	}
}

func TestRedactDSN(t *testing.T) {
	cases := []struct{ dsn, want string }{
		{"postgres://u:s3cret@h:5432/db", "postgres://u:xxxxx@h:5432/db"},
		{"postgres://u@h/db?password=s3cret&sslmode=disable", "postgres://u@h/db?password=xxxxx&sslmode=disable"},
		{"host=h user=u password=s3cret dbname=db", "host=h user=u password=xxxxx dbname=db"},
		{"host=h password='s3 cret' dbname=db", "host=h password='xxxxx' dbname=db"},
		{"postgres://u:p%40ss@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://u:with@at@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://u:has/slash@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"sweep.db", "sweep.db"},
	}
	for _, c := range cases {
		if got := RedactDSN(c.dsn); got != c.want {
			t.Errorf("RedactDSN(%q) = %q, want %q", c.dsn, got, c.want)
		}
	}
	secrets := Secrets("postgres://u:p%40ss@h/db")
	if got := RedactError(fmt.Errorf("connect: password p@ss rejected"), secrets).Error(); strings.Contains(got, "p@ss") {
		t.Errorf("RedactError kept the decoded password: %s", got)
	}
	clean := fmt.Errorf("plain")
	if RedactError(clean, secrets) != clean {
		t.Error("RedactError replaced an error without secrets")
	}
}

// FuzzBackendAndRedact checks, with pgx's own parser as the judge of what
// the password is, that a DSN carrying a password is PostgreSQL, that
// RedactDSN leaves a DSN whose password field reads "xxxxx" (user, host and
// database names equal to the password may stay; an ambiguous user info
// may leave a DSN that no longer parses, but without the password), and
// that RedactError removes the password from any message.
func FuzzBackendAndRedact(f *testing.F) {
	f.Add("s3cret-pw", "h:5432/db")
	f.Add("p@ss/w:rd?#", "host/db?sslmode=disable")
	f.Add("user", "user/user")
	f.Add("dbname", "h/d")
	f.Add("'it\\'s'", "h/d")
	f.Setenv("PGPASSWORD", "")
	f.Setenv("PGSERVICEFILE", "")
	f.Fuzz(func(t *testing.T, pw, rest string) {
		for _, dsn := range []string{
			"postgres://user:" + pw + "@" + rest,
			"host=h user=u password=" + pw + " dbname=d",
		} {
			if b, err := BackendOf(dsn); b != BackendPostgres || err != nil {
				t.Errorf("BackendOf(%q) = %q, %v; want PostgreSQL", dsn, b, err)
			}
			cfg, err := pgconn.ParseConfig(dsn)
			if err != nil || cfg.Password == "" {
				continue
			}
			redacted := RedactDSN(dsn)
			got, err := pgconn.ParseConfig(redacted)
			switch {
			case err == nil && got.Password == "xxxxx":
			case strings.Count(dsn, "@") > 1 && maskedAtLeast(dsn, redacted, cfg.Password):
				// A second "@" makes the user info ambiguous: pgx
				// ends it at the first "@", net/url at the last, and
				// RedactDSN masks up to the last, so that neither
				// reading's password survives, at the price of a DSN
				// that may no longer parse.
			default:
				t.Errorf("RedactDSN(%q) = %q, whose password reads %v", dsn, redacted, passwordOf(got, err))
			}
			msg := RedactError(fmt.Errorf("<%s>", cfg.Password), Secrets(dsn)).Error()
			if strings.Contains(msg, cfg.Password) && !strings.Contains("<xxxxx>", cfg.Password) {
				t.Errorf("RedactError with Secrets(%q) = %q, still holds the password %q", dsn, msg, cfg.Password)
			}
		}
	})
}

// maskedAtLeast reports whether redacted is "postgres://user:xxxxx"
// followed by a tail of dsn that starts after pw, the password as pgx reads
// it: RedactDSN masked at least that password.
func maskedAtLeast(dsn, redacted, pw string) bool {
	const head = "postgres://user:"
	tail, ok := strings.CutPrefix(redacted, head+"xxxxx")
	return ok && strings.HasSuffix(dsn, tail) && len(tail) <= len(dsn)-len(head)-len(pw)
}

func passwordOf(cfg *pgconn.Config, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%q", cfg.Password)
}

func TestPlan(t *testing.T) {
	maxi, mini := search.Maximize, search.Minimize
	bad := search.Direction(3)
	lossStudy := &search.Study{ID: 1, Objective: "val_loss", Direction: search.Minimize}
	f1Study := &search.Study{ID: 2, Objective: "val_macro_f1", Direction: search.Maximize}
	oddStudy := &search.Study{ID: 3, Objective: "train_time; DROP", Direction: search.Minimize}
	cases := []struct {
		name  string
		q     LeaderboardQuery
		study *search.Study
		want  string // column direction limit statuses, or "error"
	}{
		{"defaults", LeaderboardQuery{}, f1Study, "value maximize 10 [complete]"},
		{"study direction", LeaderboardQuery{}, lossStudy, "value minimize 10 [complete]"},
		{"across studies", LeaderboardQuery{}, nil, "value maximize 10 [complete]"},
		{"loss minimizes", LeaderboardQuery{Metric: "test_loss"}, nil, "test_loss minimize 10 [complete]"},
		{"objective by name", LeaderboardQuery{Metric: "val_loss"}, lossStudy, "val_loss minimize 10 [complete]"},
		{"objective alias", LeaderboardQuery{Metric: "objective"}, lossStudy, "value minimize 10 [complete]"},
		{"odd objective ranks value", LeaderboardQuery{Metric: "train_time; DROP"}, oddStudy, "value minimize 10 [complete]"},
		{"override", LeaderboardQuery{Metric: "val_loss", Direction: &maxi}, nil, "val_loss maximize 10 [complete]"},
		{"override value", LeaderboardQuery{Direction: &mini}, f1Study, "value minimize 10 [complete]"},
		{"limit and statuses", LeaderboardQuery{Limit: 3, Statuses: []search.Status{search.StatusPruned, search.StatusComplete, search.StatusPruned}}, nil, "value maximize 3 [pruned complete]"},
		{"unknown metric", LeaderboardQuery{Metric: "val_f2"}, nil, "error"},
		{"injection", LeaderboardQuery{Metric: "value DESC; DROP TABLE trials"}, nil, "error"},
		{"bad direction", LeaderboardQuery{Direction: &bad}, nil, "error"},
		{"negative limit", LeaderboardQuery{Limit: -1}, nil, "error"},
		{"huge limit", LeaderboardQuery{Limit: MaxLimit + 1}, nil, "error"},
		{"bad status", LeaderboardQuery{Statuses: []search.Status{9}}, nil, "error"},
		{"no status", LeaderboardQuery{Statuses: []search.Status{}}, nil, "error"},
		{"empty param", LeaderboardQuery{Where: []ParamFilter{{Name: ""}}}, nil, "error"},
		{"bad kind", LeaderboardQuery{Where: []ParamFilter{{Name: "a", Value: search.Value{Kind: 9}}}}, nil, "error"},
		{"range", LeaderboardQuery{Where: []ParamFilter{{Name: "a", Range: &NumberRange{Min: -1, Max: 2}}}}, nil, "value maximize 10 [complete]"},
		{"range of one number", LeaderboardQuery{Where: []ParamFilter{{Name: "a", Range: &NumberRange{Min: 0.5, Max: 0.5}}}}, nil, "value maximize 10 [complete]"},
		{"range replaces value", LeaderboardQuery{Where: []ParamFilter{{Name: "a", Value: search.Value{Kind: 9}, Range: &NumberRange{}}}}, nil, "value maximize 10 [complete]"},
		{"empty range", LeaderboardQuery{Where: []ParamFilter{{Name: "a", Range: &NumberRange{Min: 2, Max: 1}}}}, nil, "error"},
		{"NaN range", LeaderboardQuery{Where: []ParamFilter{{Name: "a", Range: &NumberRange{Min: math.NaN(), Max: 1}}}}, nil, "error"},
		{"infinite range", LeaderboardQuery{Where: []ParamFilter{{Name: "a", Range: &NumberRange{Min: 0, Max: math.Inf(1)}}}}, nil, "error"},
		{"range without name", LeaderboardQuery{Where: []ParamFilter{{Range: &NumberRange{}}}}, nil, "error"},
	}
	for _, c := range cases {
		p, err := c.q.Plan(c.study)
		got := "error"
		if err == nil {
			got = fmt.Sprintf("%s %s %d %v", p.Column, p.Direction, p.Limit, p.Statuses)
		}
		if got != c.want {
			t.Errorf("%s: Plan = %q (%v), want %q", c.name, got, err, c.want)
		}
		if err == nil && p.Column != "value" && !IsMetric(p.Column) {
			t.Errorf("%s: column %q is not whitelisted", c.name, p.Column)
		}
	}
}

// TestPlanRangeErrors checks that a bad range names the filter it is in.
func TestPlanRangeErrors(t *testing.T) {
	t.Parallel()
	ok := ParamFilter{Name: "units", Value: search.Int(8)}
	cases := []struct {
		r    NumberRange
		want string
	}{
		{NumberRange{Min: 0.3, Max: 0.2}, "leaderboard where[1] (dropout): range [0.3, 0.2] is empty: min is above max"},
		{NumberRange{Min: math.Inf(-1), Max: 0.2}, "leaderboard where[1] (dropout): range [-Inf, 0.2] is not finite"},
		{NumberRange{Min: 0, Max: math.NaN()}, "leaderboard where[1] (dropout): range [0, NaN] is not finite"},
	}
	for _, c := range cases {
		_, err := LeaderboardQuery{Where: []ParamFilter{ok, {Name: "dropout", Range: &c.r}}}.Plan(nil)
		if err == nil || err.Error() != c.want {
			t.Errorf("range %v: error %v, want %q", c.r, err, c.want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"csv", "json"} {
		if f, err := ParseFormat(s); err != nil || string(f) != s {
			t.Errorf("ParseFormat(%q) = %q, %v", s, f, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("ParseFormat(xml) gave no error")
	}
	if err := WriteExport(&bytes.Buffer{}, "xml", search.Study{}, nil); err == nil {
		t.Error("WriteExport(xml) gave no error")
	}
}

func ExampleWriteExport() {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	study := search.Study{ID: 1, Name: "iris", Objective: "val_macro_f1"}
	trials := []search.Trial{
		{ID: 7, Number: 0, Status: search.StatusComplete, Attempt: 1, Seed: 42,
			Params:    search.Params{"units": search.Int(32), "lr": search.Float(0.01)},
			StartedAt: start, FinishedAt: start.Add(time.Minute),
			Result: &search.Result{Value: 0.95, Values: map[string]float64{"val_macro_f1": 0.95, "val_loss": math.NaN()},
				BestEpoch: 12, EpochsRun: 22, StopReason: "patience"}},
		{ID: 8, Number: 1, Status: search.StatusFailed, Attempt: 2, Seed: 43, Error: "diverged",
			Params: search.Params{"units": search.Int(64), "lr": search.Float(1)}},
	}
	if err := WriteExport(os.Stdout, CSV, study, trials); err != nil {
		fmt.Println(err)
	}
	// Output:
	// trial_id,number,status,attempt,seed,value,val_loss,val_macro_f1,best_epoch,epochs_run,stop_reason,error,host,started_at,finished_at,pipeline_fingerprint,code_revision,params.lr,params.units
	// 7,0,complete,1,42,0.95,NaN,0.95,12,22,patience,,,2026-01-02T03:04:05Z,2026-01-02T03:05:05Z,,,0.01,32
	// 8,1,failed,2,43,,,,,,,diverged,,,,,,1.0,64
}
