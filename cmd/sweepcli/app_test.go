package sweepcli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sweep-ml/sweep/experiments"
	"github.com/sweep-ml/sweep/tracker"
	"github.com/sweep-ml/sweep/tracker/sqlite"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const quickstart = "../../experiments/quickstart.yaml"

// Tests that call Main run one at a time: urfave/cli v2 applies one global
// help flag (cli.HelpFlag) to every app's flag set, so two apps parsing at
// once race on it. A process runs one Main, so only tests meet this.

// result is one in-process run of the command line.
type result struct {
	stdout, stderr string
	code           int
}

func sweep(t *testing.T, env Env, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env.Stdout, env.Stderr = &out, &errOut
	code := Main(context.Background(), append([]string{"sweep"}, args...), env)
	return result{out.String(), errOut.String(), code}
}

func TestTourSQLite(t *testing.T) {
	tour(t, filepath.Join(t.TempDir(), "sweep.db"), "tour")
}

func TestTourPostgres(t *testing.T) {
	dsn := os.Getenv("SWEEP_TEST_DATABASE_URL")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("SWEEP_TEST_DATABASE_URL is not set, and CI=true requires the PostgreSQL tour")
		}
		t.Skip("SKIPPED: PostgreSQL tour needs SWEEP_TEST_DATABASE_URL=postgres://... (CI sets it)")
	}
	// Trial IDs are global, so a unique study name is all a shared
	// database needs.
	tour(t, dsn, "tour-"+strconv.FormatInt(time.Now().UnixNano(), 36))
}

// tour runs the README's tour: run → leaderboard → show → reproduce →
// predict, and checks each output.
func tour(t *testing.T, db, study string) {
	env := Env{DB: db}
	r := sweep(t, env, "run", quickstart, "--study", study, "--trials", "6", "--parallel", "2")
	if r.code != 0 {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"study      " + study + " (new)", "data       ../../experiments/data/spam.csv.gz (3645 rows, text column \"text\", 3 classes;",
		"trials     6, random sampler, 2 in parallel", "top 5 by val_macro_f1"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("run output lacks %q:\n%s", want, r.stdout)
		}
	}
	// The median pruner waits for 5 complete trials, so it may stop at
	// most the last one to finish; every trial ends complete or pruned.
	counts := regexp.MustCompile(`\n6 trials \((\d+) complete(?:, (\d+) pruned)?\) in `).FindStringSubmatch(r.stdout)
	if counts == nil {
		t.Fatalf("run output lacks the summary of 6 trials:\n%s", r.stdout)
	}
	complete, _ := strconv.Atoi(counts[1])
	pruned, _ := strconv.Atoi("0" + counts[2])
	if complete+pruned != 6 || complete < 5 {
		t.Errorf("run: %d complete, %d pruned, want 6 in all and at most 1 pruned", complete, pruned)
	}
	m := regexp.MustCompile(`sweep reproduce (\d+)`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("run output names no trial to reproduce:\n%s", r.stdout)
	}
	best := m[1]

	// The leaderboard's first entry is the trial run said was best.
	// It ranks the complete trials by the objective, highest first.
	r = sweep(t, env, "leaderboard", "--study", study, "--format", "json", "-n", "3")
	if r.code != 0 {
		t.Fatalf("leaderboard: exit %d: %s", r.code, r.stderr)
	}
	var entries []struct {
		TrialID int64   `json:"trial_id"`
		Study   string  `json:"study"`
		Status  string  `json:"status"`
		Value   float64 `json:"value"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil {
		t.Fatalf("leaderboard json: %v\n%s", err, r.stdout)
	}
	if len(entries) != 3 || fmt.Sprint(entries[0].TrialID) != best || entries[0].Study != study || entries[0].Status != "complete" {
		t.Errorf("leaderboard = %+v, want 3 entries led by trial %s", entries, best)
	}
	for i := 1; i < len(entries); i++ {
		if entries[i].Value > entries[i-1].Value {
			t.Errorf("leaderboard entry %d (%v) ranks below a worse one (%v)", i, entries[i].Value, entries[i-1].Value)
		}
	}
	r = sweep(t, env, "leaderboard", "--study", study, "--by", "test_accuracy", "--where", "sampling=oversample")
	if r.code != 0 || !strings.Contains(r.stdout, "sampling=oversample") || strings.Contains(r.stdout, "sampling=none") || strings.Contains(r.stdout, "sampling=undersample") || strings.Contains(r.stdout, "sampling=class_weight") {
		t.Errorf("leaderboard --where sampling=oversample: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The ranked metric heads its column and is not repeated among the key
	// metrics.
	if header := strings.Fields(strings.SplitN(r.stdout, "\n", 2)[0]); strings.Join(header, " ") != "ID study # test_accuracy val_loss test_macro_f1 params" {
		t.Errorf("leaderboard --by test_accuracy header = %q", header)
	}

	// A float copied from the table selects the trials it was shown for;
	// every digit of it (as export prints it), that trial alone.
	r = sweep(t, env, "leaderboard", "--study", study, "-n", "3")
	rows := regexp.MustCompile(`(?m)^(\d+) .* learning_rate=(\S+)`).FindAllStringSubmatch(r.stdout, -1)
	if r.code != 0 || len(rows) != 3 {
		t.Fatalf("leaderboard: exit %d, want 3 rows with learning_rate:\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, row := range rows {
		id, shown := row[1], row[2]
		r = sweep(t, env, "leaderboard", "--study", study, "--where", "learning_rate="+shown, "--format", "json")
		var got []struct {
			TrialID int64 `json:"trial_id"`
			Params  struct {
				LearningRate float64 `json:"learning_rate"`
			} `json:"params"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &got); r.code != 0 || err != nil {
			t.Fatalf("leaderboard --where learning_rate=%s: exit %d, %v\n%s%s", shown, r.code, err, r.stdout, r.stderr)
		}
		var exact float64
		for _, e := range got {
			if s := strconv.FormatFloat(e.Params.LearningRate, 'g', 4, 64); s != shown {
				t.Errorf("--where learning_rate=%s selects trial %d, shown as %s", shown, e.TrialID, s)
			}
			if fmt.Sprint(e.TrialID) == id {
				exact = e.Params.LearningRate
			}
		}
		if exact == 0 {
			t.Errorf("--where learning_rate=%s does not select trial %s, shown with it:\n%s", shown, id, r.stdout)
			continue
		}
		full := strconv.FormatFloat(exact, 'g', -1, 64)
		r = sweep(t, env, "leaderboard", "--study", study, "--where", "learning_rate="+full, "--format", "csv")
		if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); r.code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[1], id+",") {
			t.Errorf("--where learning_rate=%s: exit %d, want trial %s alone:\n%s%s", full, r.code, id, r.stdout, r.stderr)
		}
	}

	r = sweep(t, env, "show", best)
	if r.code != 0 {
		t.Fatalf("show: exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"trial " + best + ": study " + study, "model      layers=[", "training   ", "data       data/spam.csv.gz (label label)", "seed ", "dataset ", "code ", "history", "classification report (val)", "confusion matrix (test", "hard_ham"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show output lacks %q:\n%s", want, r.stdout)
		}
	}

	r = sweep(t, env, "reproduce", best)
	if r.code != 0 || !strings.Contains(r.stdout, "match: every recorded metric") {
		t.Fatalf("reproduce: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Predict new messages: a file without the label column.
	newRows := writeFile(t, t.TempDir(), "new.csv", "text\n"+
		"\"Congratulations! You have been selected to receive a FREE cruise. Click here to claim your prize now\"\n"+
		"\"Re: build failure on the test machine: the patch below fixes the linker flags, can you try it?\"\n"+
		"\"Your monthly statement is ready. Log in to your account to view it\"\n"+
		"\"Lowest mortgage rates, guaranteed approval, no credit check! Reply now\"\n")
	r = sweep(t, env, "predict", best, "--data", newRows)
	if r.code != 0 {
		t.Fatalf("predict: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	out := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(out) != 5 || out[0] != "line,predicted,p_easy_ham,p_hard_ham,p_spam" {
		t.Fatalf("predict output:\n%s", r.stdout)
	}
	for _, row := range out[1:] {
		cells := strings.Split(row, ",")
		sum := 0.0
		for _, c := range cells[2:] {
			p, err := strconv.ParseFloat(c, 64)
			if err != nil {
				t.Fatal(err)
			}
			sum += p
		}
		if len(cells) != 5 || sum < 0.9999 || sum > 1.0001 {
			t.Errorf("predict row %q: probabilities sum to %v", row, sum)
		}
	}

	// studies and export see the study.
	r = sweep(t, env, "studies")
	if r.code != 0 || !strings.Contains(r.stdout, study) {
		t.Errorf("studies: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = sweep(t, env, "export", study, "--format", "csv")
	if r.code != 0 || strings.Count(strings.TrimSpace(r.stdout), "\n") != 6 {
		t.Errorf("export: exit %d, want a header and 6 rows:\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Running again resumes: nothing left to do. With --db given, the
	// plan and the reproduce hint name the store without its password.
	r = sweep(t, Env{}, "run", "--trials", "6", quickstart, "--study", study, "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "resuming, 6 of 6 trials recorded") || !strings.Contains(r.stdout, "sweep reproduce "+best+" --db ") {
		t.Errorf("second run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, secret := range tracker.Secrets(db) {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("run output shows the DSN's password:\n%s", r.stdout)
		}
	}
}

// TestRunOverridesReproduce checks that a study run with --seed and
// --study reproduces: the stored study, not the file, says what ran.
func TestRunOverridesReproduce(t *testing.T) {
	env := Env{DB: filepath.Join(t.TempDir(), "s.db")}
	r := sweep(t, env, "run", quickstart, "--seed", "7", "--trials", "2", "--study", "seven")
	if r.code != 0 || !strings.Contains(r.stdout, "seed 7") {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	id := regexp.MustCompile(`sweep reproduce (\d+)`).FindStringSubmatch(r.stdout)[1]
	r = sweep(t, env, "reproduce", id)
	if r.code != 0 || !strings.Contains(r.stdout, "(study seven, number") || !strings.Contains(r.stdout, "match:") {
		t.Errorf("reproduce: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The same study name with another seed is refused.
	r = sweep(t, env, "run", quickstart, "--seed", "8", "--trials", "2", "--study", "seven")
	if r.code != 1 || !strings.Contains(r.stderr, `study "seven" has seed 7, not 8`) {
		t.Errorf("rerun with another seed: exit %d\n%s", r.code, r.stderr)
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestUserErrors checks the errors a user meets: each is one line on
// stderr, with the right exit code, saying where.
func TestUserErrors(t *testing.T) {
	dir := t.TempDir()
	data, err := filepath.Abs("../../experiments/data/iris.csv")
	if err != nil {
		t.Fatal(err)
	}
	malformed := writeFile(t, dir, "malformed.yaml", "name: bad\ndata:\n  path: "+data+"\nsearch:\n  space:\n    dropout: {min: 0, max: 1.5}\n")
	noData := writeFile(t, dir, "nodata.yaml", "data:\n  path: missing.csv\n")
	noLabel := writeFile(t, dir, "nolabel.yaml", "data:\n  path: "+data+"\n  label: species\n")
	db := filepath.Join(dir, "sweep.db")
	st, err := sqlite.Open(context.Background(), db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing spec", []string{"run", filepath.Join(dir, "nope.yaml")}, 1, "nope.yaml does not exist"},
		{"malformed spec", []string{"run", malformed}, 1, "malformed.yaml:6: search.space.dropout.max: must be below 1, got 1.5"},
		{"missing data file", []string{"run", noData}, 1, "nodata.yaml:2: data.path: data file " + filepath.Join(dir, "missing.csv") + " does not exist"},
		{"missing label column", []string{"run", noLabel}, 1, `nolabel.yaml:3: data.label: ` + data + `:1: label column "species" not found`},
		{"unreachable DSN", []string{"run", quickstart, "--db", "postgres://sweep:hunter2secret@127.0.0.1:1/sweep?connect_timeout=2"}, 1, "postgres://sweep:xxxxx@127.0.0.1:1/sweep"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"run", quickstart, "--paralel", "2"}, 2, "unknown flag --paralel"},
		{"bad number", []string{"run", quickstart, "--parallel", "x"}, 2, `--parallel: invalid value "x": want a whole number`},
		{"bad duration", []string{"run", quickstart, "--timeout", "3x"}, 2, `--timeout: "3x" is not a duration such as 90s, 15m or 8h`},
		{"bad short flag", []string{"leaderboard", "-n", "ten"}, 2, `-n: invalid value "ten": want a whole number`},
		{"flag without its value", []string{"show", "1", "--db"}, 2, "--db needs a value"},
		{"help for an unknown command", []string{"help", "frobnicate"}, 2, `help: unknown command "frobnicate"`},
		{"flag without a command", []string{"--db", "x.db"}, 2, "sweep: missing command for --db x.db: sweep COMMAND --db x.db"},
		{"flag before an unknown command", []string{"--db", "x.db", "stats"}, 2, `sweep: unknown command "stats"`},
		{"unknown flag without a command", []string{"--bogus"}, 2, "sweep: unknown flag --bogus"},
		{"missing argument", []string{"show"}, 2, "show: missing trial ID"},
		{"bad trial ID", []string{"show", "abc"}, 2, `show: trial ID must be a positive integer, got "abc"`},
		{"unknown trial", []string{"show", "999", "--db", db}, 1, "sweep: show: trial 999 not found"},
		{"unknown trial to reproduce", []string{"reproduce", "999", "--db", db}, 1, "sweep: reproduce: trial 999 not found"},
		{"unknown study to export", []string{"export", "nosuch", "--db", db}, 1, `sweep: export: study "nosuch" not found`},
		{"unknown study to rank", []string{"leaderboard", "--study", "nosuch", "--db", db}, 1, `sweep: leaderboard: study "nosuch" not found`},
		{"bad format", []string{"leaderboard", "--format", "xml", "--db", db}, 2, "--format must be table, csv or json"},
		{"bad where", []string{"leaderboard", "--where", "units", "--db", db}, 2, "--where wants PARAM=VALUE"},
		{"bad metric", []string{"leaderboard", "--by", "bogus", "--db", db}, 2, `leaderboard: --by: unknown metric "bogus" (want value or one of val_macro_f1, `},
		{"empty --db", []string{"studies", "--db", ""}, 2, "sweep: --db: empty DSN: leave --db out to use $SWEEP_DB, else ./sweep.db"},
		{"empty --db=", []string{"show", "1", "--db="}, 2, "sweep: --db: empty DSN"},
		{"blank --db", []string{"leaderboard", "--db", " "}, 2, "sweep: --db: empty DSN"},
		{"empty --db for run", []string{"run", quickstart, "--db", ""}, 2, "sweep: --db: empty DSN"},
		{"upper-case keyword in --db", []string{"studies", "--db", "host=h PASSWORD=hunter2secret"}, 2, `sweep: --db: "PASSWORD" is not a connection keyword: libpq keywords are lowercase; write password`},
		{"upper-case --db for run", []string{"run", quickstart, "--db", "HOST=h"}, 2, `sweep: --db: "HOST" is not a connection keyword`},
		{"unknown scheme in --db", []string{"leaderboard", "--db", "mysql://u:hunter2secret@h/d"}, 2, `sweep: --db: unknown DSN scheme "mysql"`},
		{"empty --study", []string{"leaderboard", "--study", ""}, 2, "sweep: leaderboard: --study: empty study name: leave --study out to rank across all studies"},
		{"empty --study for run", []string{"run", quickstart, "--study", ""}, 2, `sweep: run: --study: must be 1 to 100 characters`},
		{"predict without data", []string{"predict", "1", "--db", db}, 2, "predict: --data CSV is required"},
		{"no database", []string{"studies", "--db", filepath.Join(dir, "typo.db")}, 1, "no sweep database at " + filepath.Join(dir, "typo.db") + ": name the store with --db DSN or SWEEP_DB, or create it with sweep run SPEC.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := sweep(t, Env{DB: db}, tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tc.code, r.stdout, r.stderr)
			}
			// Warnings logged on the way (a store retrying its connection)
			// come before the error.
			stderr := r.stderr
			for strings.HasPrefix(stderr, "sweep: warning: ") {
				_, stderr, _ = strings.Cut(stderr, "\n")
			}
			if strings.Contains(r.stderr, "level=") {
				t.Errorf("stderr has raw log lines:\n%s", r.stderr)
			}
			first, second, _ := strings.Cut(stderr, "\n")
			if !strings.HasPrefix(first, "sweep: ") || !strings.Contains(first, tc.want) {
				t.Errorf("stderr first line\n  %s\nwant it to contain\n  %s", first, tc.want)
			}
			// A usage error points to the help of the command it is about.
			if tc.code == ExitUsage {
				help := "sweep --help"
				if NewApp(Env{}).Command(tc.args[0]) != nil {
					help = "sweep " + tc.args[0] + " --help"
				}
				if want := "Run '" + help + "' for usage.\n"; second != want {
					t.Errorf("stderr after the error = %q, want %q", second, want)
				}
			}
			if strings.Contains(r.stderr+r.stdout, "hunter2secret") {
				t.Errorf("output leaks the password: %s", r.stderr)
			}
		})
	}
}

// TestInterrupt sends the process real signals while sweep run relays
// them: one stops scheduling, two cancel the running trial.
func TestInterrupt(t *testing.T) {
	tests := []struct {
		signals int
		want    []string
	}{
		{1, []string{"sweep: stopping: no new trials", "sweep: stopped by interrupt after ", " trial attempt", "; run the same command to resume"}},
		{2, []string{"sweep: stopping: no new trials", "sweep: cancelling running trials", "sweep: cancelled by a second interrupt after ", " trial attempt", "; run the same command to resume"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.signals), func(t *testing.T) {
			// The test watches SIGUSR1 too: the signal never reaches its
			// default action (exit), and seen tells when it was relayed.
			seen := make(chan os.Signal, 2)
			signal.Notify(seen, syscall.SIGUSR1)
			defer signal.Stop(seen)
			var once sync.Once
			// The first clock read is the progress's start: run relays
			// signals by then, and no trial has started.
			now := func() time.Time {
				once.Do(func() {
					for range tc.signals {
						if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
							t.Error(err)
						}
						<-seen
					}
				})
				return time.Now()
			}
			env := Env{DB: filepath.Join(t.TempDir(), "s.db"), Signals: []os.Signal{syscall.SIGUSR1}, Now: now}
			r := sweep(t, env, "run", quickstart, "--parallel", "1")
			if r.code != ExitFailure {
				t.Errorf("exit %d, want %d", r.code, ExitFailure)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q", w)
				}
			}
			// No summary when no trial was recorded.
			if m := regexp.MustCompile(`(\d+) trials \(`).FindStringSubmatch(r.stdout); m != nil && m[1] == "20" {
				t.Errorf("all 20 trials ran, want the sweep stopped early")
			}
			if t.Failed() {
				t.Logf("stdout: %s\nstderr: %s", r.stdout, r.stderr)
			}
		})
	}
}

func TestReorderArgs(t *testing.T) {
	t.Parallel()
	app := NewApp(Env{})
	tests := []struct{ in, want string }{
		{"sweep run spec.yaml --parallel 4", "sweep run --parallel 4 -- spec.yaml"},
		{"sweep run --parallel 4 spec.yaml", "sweep run --parallel 4 -- spec.yaml"},
		{"sweep run spec.yaml --db=x.db --trials 3", "sweep run --db=x.db --trials 3 -- spec.yaml"},
		{"sweep leaderboard --where units=8 -n 3 --where l2=0.0", "sweep leaderboard --where units=8 -n 3 --where l2=0.0"},
		{"sweep predict 12 --data new.csv", "sweep predict --data new.csv -- 12"},
		{"sweep run -- -odd.yaml", "sweep run -- -odd.yaml"},
		{"sweep --help", "sweep --help"},
		{"sweep unknown a --b", "sweep unknown a --b"},
		// A command's flags before the command name join the command's;
		// help and version stay the app's.
		{"sweep --db sweep.db studies", "sweep studies --db sweep.db"},
		{"sweep --db=x.db -n 3 leaderboard --by val_loss", "sweep leaderboard --db=x.db -n 3 --by val_loss"},
		{"sweep --db x.db run spec.yaml --trials 3", "sweep run --db x.db --trials 3 -- spec.yaml"},
		{"sweep --help --db x.db show 7", "sweep --help show --db x.db -- 7"},
		{"sweep --db x.db", "sweep --db x.db"},
		{"sweep --db x.db nosuch", "sweep --db x.db nosuch"},
	}
	for _, tc := range tests {
		got := strings.Join(ReorderArgs(app, strings.Fields(tc.in)), " ")
		if got != tc.want {
			t.Errorf("ReorderArgs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestHelpGolden(t *testing.T) {
	r := sweep(t, Env{Version: "VERSION"}, "--help")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden := filepath.Join("testdata", "help.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestHelpGolden -update to create it)", err)
	}
	if r.stdout != string(want) {
		t.Errorf("sweep --help differs from %s (rerun with -update if intended):\n%s", golden, r.stdout)
	}
}

// TestHelpAndVersion checks "sweep help COMMAND" and --version.
func TestHelpAndVersion(t *testing.T) {
	want := sweep(t, Env{}, "run", "--help")
	if want.code != 0 || !strings.Contains(want.stdout, "sweep run [command options] SPEC.yaml") {
		t.Fatalf("run --help: exit %d\n%s%s", want.code, want.stdout, want.stderr)
	}
	if r := sweep(t, Env{}, "help", "run"); r.code != 0 || r.stdout != want.stdout {
		t.Errorf("help run: exit %d\n%s%s\nwant the output of run --help", r.code, r.stdout, r.stderr)
	}
	if r := sweep(t, Env{}, "help"); r.code != 0 || !strings.Contains(r.stdout, "COMMANDS:") {
		t.Errorf("help: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, flag := range []string{"--version", "-v"} {
		if r := sweep(t, Env{Version: "v1.2.3 abc"}, flag); r.code != 0 || r.stdout != "sweep version v1.2.3 abc\n" {
			t.Errorf("%s: exit %d, stdout %q", flag, r.code, r.stdout)
		}
	}
	// Without Env.Version, the build's own description.
	if r := sweep(t, Env{}, "--version"); r.code != 0 || !strings.HasPrefix(r.stdout, "sweep version github.com/sweep-ml/sweep") {
		t.Errorf("--version: exit %d, stdout %q", r.code, r.stdout)
	}
}

// ExampleMain shows an invalid spec being rejected with its file, line and
// field path, and the exit code.
func ExampleMain() {
	env := Env{Stdout: os.Stdout, Stderr: os.Stdout}
	code := Main(context.Background(), []string{"sweep", "run", "testdata/bad-dropout.yaml"}, env)
	fmt.Println("exit code", code)
	// Output:
	// sweep: testdata/bad-dropout.yaml:12: search.space.dropout.max: must be below 1, got 1.5
	// exit code 1
}

// FuzzReorderArgs checks that reordering never panics and never loses or
// invents an argument (it may add one "--").
func FuzzReorderArgs(f *testing.F) {
	f.Add("run spec.yaml --parallel 4")
	f.Add("leaderboard --where a=b -n 3 --format json")
	f.Add("predict 3 --data x.csv -- --odd")
	f.Add("--help run")
	app := NewApp(Env{})
	f.Fuzz(func(t *testing.T, line string) {
		args := append([]string{"sweep"}, strings.Fields(line)...)
		out := ReorderArgs(app, args)
		count := func(list []string) map[string]int {
			m := map[string]int{}
			for _, a := range list {
				m[a]++
			}
			return m
		}
		in, got := count(args), count(out)
		if got["--"] > in["--"] {
			got["--"]--
			if got["--"] == 0 {
				delete(got, "--")
			}
		}
		if fmt.Sprint(in) != fmt.Sprint(got) {
			t.Fatalf("ReorderArgs(%q) = %q", args, out)
		}
	})
}

// TestKeywordDSN checks that a keyword/value DSN is PostgreSQL: every
// command fails to reach the server, says so with the password masked,
// and leaves no SQLite file behind named after the DSN.
func TestKeywordDSN(t *testing.T) {
	const canary = "canary-pw-123"
	dsn := "host=127.0.0.1 port=1 user=postgres password=" + canary + " dbname=sweep connect_timeout=2"
	spec, err := filepath.Abs(quickstart)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	for _, args := range [][]string{
		{"run", spec, "--trials", "1"},
		{"studies"},
		{"leaderboard"},
		{"show", "1"},
		{"export", "quickstart"},
	} {
		for _, env := range []struct {
			name string
			env  Env
			args []string
		}{{"--db", Env{}, append(args, "--db", dsn)}, {"SWEEP_DB", Env{DB: dsn}, args}} {
			t.Run(args[0]+" "+env.name, func(t *testing.T) {
				r := sweep(t, env.env, env.args...)
				if r.code != ExitFailure {
					t.Errorf("exit %d, want %d", r.code, ExitFailure)
				}
				if want := "password=xxxxx"; !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "postgres 127.0.0.1:1/sweep") {
					t.Errorf("stderr names no PostgreSQL server with the password masked (%q):\n%s", want, r.stderr)
				}
				if strings.Contains(r.stdout+r.stderr, canary) {
					t.Errorf("output shows the password:\nstdout: %s\nstderr: %s", r.stdout, r.stderr)
				}
			})
		}
	}
	if files, _ := os.ReadDir(dir); len(files) > 0 {
		t.Errorf("the commands created %s in the working directory", files[0].Name())
	}
}

// TestBadSweepDB checks that a SWEEP_DB naming no store is an error that
// names SWEEP_DB, not --db, and hides the password.
func TestBadSweepDB(t *testing.T) {
	t.Parallel()
	r := sweep(t, Env{DB: "host=h PASSWORD=hunter2secret"}, "studies")
	want := "sweep: SWEEP_DB: \"PASSWORD\" is not a connection keyword: libpq keywords are lowercase; write password\n"
	if r.code != ExitFailure || r.stderr != want {
		t.Errorf("exit %d, stderr %q; want exit %d, %q", r.code, r.stderr, ExitFailure, want)
	}
}

// TestReadingCommandsCreateNoStore checks that the commands that only read
// the store fail on a missing SQLite file, saying where they looked, and
// leave no file behind; sweep run creates it.
func TestReadingCommandsCreateNoStore(t *testing.T) {
	spec, err := filepath.Abs(quickstart)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	newRows := writeFile(t, t.TempDir(), "new.csv", "text\nhello\n")
	for _, args := range [][]string{
		{"studies"},
		{"leaderboard"},
		{"show", "1"},
		{"export", "quickstart"},
		{"reproduce", "1"},
		{"predict", "1", "--data", newRows},
	} {
		for _, tc := range []struct {
			name, path string
			env        Env
			args       []string
		}{
			{"default", DefaultDB, Env{}, args},
			{"SWEEP_DB", "typo.db", Env{DB: "typo.db"}, args},
			{"--db", "sub/typo.db", Env{}, append(slices.Clone(args), "--db", "sub/typo.db")},
		} {
			t.Run(args[0]+" "+tc.name, func(t *testing.T) {
				r := sweep(t, tc.env, tc.args...)
				if want := "sweep: no sweep database at " + tc.path + ": name the store with --db DSN or SWEEP_DB"; r.code != ExitFailure || !strings.HasPrefix(r.stderr, want) {
					t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, ExitFailure, want)
				}
			})
		}
	}
	if files, _ := os.ReadDir(dir); len(files) > 0 {
		t.Fatalf("reading commands created %s", files[0].Name())
	}
	if r := sweep(t, Env{}, "run", spec, "--trials", "1"); r.code != 0 {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(DefaultDB); err != nil {
		t.Errorf("run did not create the store: %v", err)
	}
	if r := sweep(t, Env{}, "studies"); r.code != 0 || !strings.Contains(r.stdout, "quickstart") {
		t.Errorf("studies after run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestPredictMessage(t *testing.T) {
	t.Parallel()
	const head = "sweep: predicted 9 rows with trial 4 (model rebuilt and verified against the record)"
	tests := []struct {
		sum  experiments.PredictSummary
		want string
	}{
		{experiments.PredictSummary{Rows: 9, Accuracy: math.NaN()}, head},
		{experiments.PredictSummary{Rows: 9, Labelled: true, Scored: 9, Accuracy: 8.0 / 9}, head + "; accuracy on the labelled rows 0.8889"},
		{experiments.PredictSummary{Rows: 9, Labelled: true, Scored: 2, Accuracy: 0.5, UnknownLabels: 7, UnknownLines: []int{2, 3, 4, 5, 6}, Dropped: 1},
			head + "; 1 malformed row skipped (the spec sets drop_malformed); accuracy on the labelled rows 0.5000; 7 rows have a label the model never saw, predicted but not scored (lines 2, 3, 4, 5, 6, ...)"},
		{experiments.PredictSummary{Rows: 9, Labelled: true, Accuracy: math.NaN(), UnknownLabels: 1, UnknownLines: []int{7}},
			head + "; 1 row has a label the model never saw, predicted but not scored (line 7)"},
	}
	for _, tc := range tests {
		if got := predictMessage(4, tc.sum); got != tc.want {
			t.Errorf("predictMessage(%+v) =\n  %s\nwant\n  %s", tc.sum, got, tc.want)
		}
	}
}

// TestDescribeStore checks the plan's store line: the backend, and never
// the password.
func TestDescribeStore(t *testing.T) {
	t.Parallel()
	tests := []struct{ dsn, want string }{
		{"./sweep.db", "SQLite ./sweep.db"},
		{"sqlite:runs/a.db", "SQLite runs/a.db"},
		{"postgres://u:canary-pw-123@h/db", "PostgreSQL postgres://u:xxxxx@h/db"},
		{"host=h user=u password=canary-pw-123 dbname=db", "PostgreSQL host=h user=u password=xxxxx dbname=db"},
		{"host=h password='canary pw' dbname=db", "PostgreSQL host=h password='xxxxx' dbname=db"},
	}
	for _, tc := range tests {
		if got := describeStore(tc.dsn); got != tc.want {
			t.Errorf("describeStore(%q) = %q, want %q", tc.dsn, got, tc.want)
		}
	}
}

// TestBaselineSpec: a spec without a search space runs trials with no
// params, which the summary, leaderboard and show say plainly.
func TestBaselineSpec(t *testing.T) {
	spec := "../../experiments/testdata/baseline.yaml"
	env := Env{DB: filepath.Join(t.TempDir(), "s.db")}
	r := sweep(t, env, "run", spec, "--trials", "2")
	if r.code != 0 || !regexp.MustCompile(`(?m)^\d+ +\d +0\.\d{4} +0\.\d{4} +\d+ +-$`).MatchString(r.stdout) {
		t.Fatalf("run: exit %d, want the top trials with params -\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = sweep(t, env, "leaderboard", "--format", "csv")
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); r.code != 0 || len(lines) != 3 || strings.Contains(r.stdout, "epochs=") {
		t.Errorf("leaderboard: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = sweep(t, env, "show", "1")
	if r.code != 0 || !strings.Contains(r.stdout, "\nparams     none (the study's space is empty: its trials differ only in their seeds)\n") {
		t.Errorf("show: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestFlagsBeforeCommand checks that a command's flags may come before the
// command name, as the help says, and that one the command lacks is still
// an unknown flag of that command.
func TestFlagsBeforeCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sweep.db")
	if r := sweep(t, Env{}, "--db", db, "run", wineSpec(t, dir, "before.yaml", "")); r.code != 0 {
		t.Fatalf("--db before run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	want := sweep(t, Env{}, "studies", "--db", db)
	if want.code != 0 || !strings.Contains(want.stdout, "before") {
		t.Fatalf("studies --db: exit %d\n%s%s", want.code, want.stdout, want.stderr)
	}
	if r := sweep(t, Env{}, "--db", db, "studies"); r.code != 0 || r.stdout != want.stdout {
		t.Errorf("--db before studies: exit %d\n%s%s\nwant the output of studies --db", r.code, r.stdout, r.stderr)
	}
	r := sweep(t, Env{}, "--db", db, "--where", "units=8", "studies")
	if first, _, _ := strings.Cut(r.stderr, "\n"); r.code != ExitUsage || first != "sweep: unknown flag --where" || !strings.Contains(r.stderr, "sweep studies --help") {
		t.Errorf("--where before studies: exit %d, stderr %q", r.code, r.stderr)
	}
}
