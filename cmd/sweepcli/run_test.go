package sweepcli

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sweep-ml/sweep/experiments"
	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
	"github.com/sweep-ml/sweep/tracker/memory"
	"github.com/sweep-ml/sweep/trainer/data"
)

// countingStore counts the Trials calls that reach the store.
type countingStore struct {
	search.Store
	lists int
}

func (c *countingStore) Trials(ctx context.Context, studyID int64) ([]search.Trial, error) {
	c.lists++
	return c.Store.Trials(ctx, studyID)
}

// TestPrimedStoreResume checks that resuming through primedStore lists the
// study's trials from the store once (the count run prints) and still
// resumes: only the trials not yet recorded run.
func TestPrimedStoreResume(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mem := &countingStore{Store: memory.New(nil)}
	space, err := search.NewSpace(search.IntRange("units", 1, 100, 1))
	if err != nil {
		t.Fatal(err)
	}
	study := search.Study{Name: "s", Objective: "val_macro_f1", Direction: search.Maximize, Seed: 1}
	ran := 0
	obj := func(_ context.Context, r *search.Run) (*search.Result, error) {
		ran++
		v := float64(r.Params["units"].Int) / 100
		return &search.Result{Value: v, Values: map[string]float64{"val_macro_f1": v}}, nil
	}
	if _, err := search.Optimize(ctx, mem, study, space, search.Random{}, obj, search.Config{MaxTrials: 2}); err != nil {
		t.Fatal(err)
	}

	prev, err := mem.StudyByName(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	mem.lists, ran = 0, 0
	trials, err := mem.Trials(ctx, prev.ID)
	if err != nil || len(trials) != 2 {
		t.Fatalf("trials %d, %v", len(trials), err)
	}
	sum, err := search.Optimize(ctx, &primedStore{Store: mem, studyID: prev.ID, trials: trials}, study, space, search.Random{}, obj, search.Config{MaxTrials: 3})
	if err != nil {
		t.Fatal(err)
	}
	if mem.lists != 1 {
		t.Errorf("the store listed the trials %d times, want once", mem.lists)
	}
	if ran != 1 || len(sum.Trials) != 3 {
		t.Errorf("resume ran %d trials and recorded %d, want 1 and 3", ran, len(sum.Trials))
	}
}

// wineSpec writes a spec over the wine data set with a small, fast model;
// extra is appended to its search section.
func wineSpec(t *testing.T, dir, name, extra string) string {
	t.Helper()
	data, err := filepath.Abs("../../experiments/data/wine.csv")
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, name, "data:\n  path: "+data+"\nmodel: {layers: [4], epochs: 2}\nsearch:\n  trials: 2\n"+extra)
}

// TestRunCheck checks that a data problem that would fail every trial is
// reported as a spec error, on the spec's line, before any trial runs or
// the store is created.
func TestRunCheck(t *testing.T) {
	dir := t.TempDir()
	var rows strings.Builder
	rows.WriteString("a,b,label\n")
	for i := range 30 {
		fmt.Fprintf(&rows, "%d,%d,only\n", i, i%7)
	}
	writeFile(t, dir, "one.csv", rows.String())
	spec := writeFile(t, dir, "one.yaml", "name: one\ndata:\n  path: one.csv\nsearch: {trials: 2}\n")
	db := filepath.Join(dir, "sweep.db")
	r := sweep(t, Env{DB: db}, "run", spec)
	if r.code != ExitFailure {
		t.Errorf("exit %d, want %d", r.code, ExitFailure)
	}
	if want := "sweep: " + spec + ":2: data: "; !strings.HasPrefix(r.stderr, want) || !strings.Contains(r.stderr, "one class") {
		t.Errorf("stderr = %q, want it to start with %q and name the single class", r.stderr, want)
	}
	if strings.Contains(r.stdout, "trial 0") {
		t.Errorf("trials ran:\n%s", r.stdout)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("the store was created (stat: %v)", err)
	}
}

// TestRunAllFailed checks that a sweep in which every trial failed exits 1
// and groups the failures, that a timed-out trial waits for a later run,
// that the later run's retry line names its attempt, and that a third run,
// with no attempts left, says why nothing ran.
func TestRunAllFailed(t *testing.T) {
	dir := t.TempDir()
	spec := wineSpec(t, dir, "fail.yaml", "  trial_timeout: 1ns\n  max_retries: 1\n")
	for run, wants := range [][]string{
		// The timeout strikes either before or inside the first epoch, so
		// the two trials' messages may differ after "timed out after 1ns: ".
		{"no trial completed\n", "\nfailures:\n  ", "× timed out after 1ns: ", ") failed: timed out"},
		{"failed (attempt 2): timed out"},
		{"no trial left to run: the 2 failed trials have used their attempts (search.max_retries: 1)"},
	} {
		r := sweep(t, Env{DB: filepath.Join(dir, "sweep.db")}, "run", spec)
		if r.code != ExitFailure {
			t.Errorf("run %d: exit %d, want %d", run+1, r.code, ExitFailure)
		}
		for _, want := range wants {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("run %d: stdout lacks %q:\n%s", run+1, want, r.stdout)
			}
		}
		if run == 0 && strings.Contains(r.stdout, "attempt 2") {
			t.Errorf("run 1 retried a timed-out trial at once:\n%s", r.stdout)
		}
		if want := "sweep: no trial completed: 2 trials failed"; !strings.HasPrefix(r.stderr, want) || !strings.Contains(r.stderr, "timed out after 1ns: ") {
			t.Errorf("run %d: stderr = %q, want it to start with %q and give the error", run+1, r.stderr, want)
		}
	}
}

func TestGroupFailures(t *testing.T) {
	t.Parallel()
	tr := func(st search.Status, msg string) search.Trial { return search.Trial{Status: st, Error: msg} }
	got := groupFailures([]search.Trial{
		tr(search.StatusFailed, "b: one class\ndetail"),
		tr(search.StatusComplete, ""),
		tr(search.StatusFailed, "a: diverged"),
		tr(search.StatusInterrupted, "interrupted: context canceled"),
		tr(search.StatusFailed, "a: diverged"),
		tr(search.StatusFailed, "b: one class\nother detail"),
		tr(search.StatusFailed, "c: nan"),
	})
	want := []failure{{"b: one class", 2}, {"a: diverged", 2}, {"c: nan", 1}}
	if !slices.Equal(got, want) {
		t.Errorf("groupFailures = %v, want %v", got, want)
	}
}

// TestRunFlagErrors checks that a bad flag value is blamed on the flag, as
// a usage error, not on a line of the spec.
func TestRunFlagErrors(t *testing.T) {
	dir := t.TempDir()
	spec := wineSpec(t, dir, "flags.yaml", "  parallel: 2\n")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--parallel", "100000"}, "run: --parallel: must be between 1 and 1024, got 100000"},
		{[]string{"--parallel", "0"}, "run: --parallel: must be between 1 and 1024, got 0"},
		{[]string{"--trials", "0"}, "run: --trials: must be between 1 and 1000000, got 0"},
		{[]string{"--trials", "-3"}, "run: --trials: must be between 1 and 1000000, got -3"},
		{[]string{"--study", "bad/name"}, `run: --study: must be 1 to 100 characters of ASCII letters, digits, '-', '_' or '.', got "bad/name"`},
		{[]string{"--timeout", "-1s"}, `--timeout: "-1s" is negative`},
		{[]string{"--timeout", "5x"}, `--timeout: "5x" is not a duration`},
		{[]string{"--grace", "soon"}, `--grace: "soon" is not a duration`},
		{[]string{"--grace", "0s"}, `--grace: "0s" is not positive: want a duration above 0, such as 30s or 2m`},
		{[]string{"--grace", "0"}, `--grace: "0" is not positive: want a duration above 0, such as 30s or 2m`},
		{[]string{"--grace", "-1s"}, `--grace: "-1s" is not positive: want a duration above 0, such as 30s or 2m`},
		{[]string{"--grace", "-2"}, `--grace: "-2" is not positive: want a duration above 0, such as 30s or 2m`},
		{[]string{"--timeout", "-2"}, `--timeout: "-2" seconds is outside 0 to 1e9 seconds`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := sweep(t, Env{DB: filepath.Join(dir, "sweep.db")}, append([]string{"run", spec}, tc.args...)...)
			if r.code != ExitUsage {
				t.Errorf("exit %d, want %d", r.code, ExitUsage)
			}
			first, _, _ := strings.Cut(r.stderr, "\n")
			if want := "sweep: " + tc.want; first != want && !(strings.HasPrefix(tc.want, "--") && strings.HasPrefix(first, want)) {
				t.Errorf("stderr first line\n  %s\nwant\n  %s", first, want)
			}
		})
	}
}

// TestRunDurationFlags checks that --timeout and --grace read durations as
// the spec's search.timeout does: Go syntax or a bare number of seconds.
func TestRunDurationFlags(t *testing.T) {
	dir := t.TempDir()
	spec := wineSpec(t, dir, "durations.yaml", "")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--timeout", "5"}, "trials     2, random sampler, 1 in parallel, timeout 5s\n"},
		{[]string{"--timeout", "2.5", "--grace", "2"}, "trials     2, random sampler, 1 in parallel, timeout 2.5s\n"},
		{[]string{"--timeout", "8h", "--grace", "90s"}, "trials     2, random sampler, 1 in parallel, timeout 8h0m0s\n"},
		{[]string{"--timeout=1h30m"}, "trials     2, random sampler, 1 in parallel, timeout 1h30m0s\n"},
	}
	for i, tc := range tests {
		args := append([]string{"run", spec, "--study", fmt.Sprintf("d%d", i)}, tc.args...)
		r := sweep(t, Env{DB: filepath.Join(dir, "sweep.db")}, args...)
		if r.code != 0 || !strings.Contains(r.stdout, tc.want) {
			t.Errorf("%q: exit %d, want the plan to contain %q:\n%s%s", tc.args, r.code, tc.want, r.stdout, r.stderr)
		}
	}
}

// TestRunPlanImputeDrop checks that the plan says how many rows impute
// "drop" removes.
func TestRunPlanImputeDrop(t *testing.T) {
	dir := t.TempDir()
	wine, err := os.ReadFile("../../experiments/data/wine.csv")
	if err != nil {
		t.Fatal(err)
	}
	// Blank a cell in rows 2 and 3 (file lines 3 and 4).
	lines := strings.Split(string(wine), "\n")
	for _, i := range []int{2, 3} {
		lines[i] = "," + strings.SplitN(lines[i], ",", 2)[1]
	}
	writeFile(t, dir, "wine.csv", strings.Join(lines, "\n"))
	const model = "model: {layers: [4], epochs: 1}\n"
	for _, tc := range []struct{ name, spec, want string }{
		{"impute drop", "data: {path: wine.csv, impute: drop}\n" + model + "search: {trials: 1}\n",
			"(178 rows, 13 numeric features, 3 classes, 2 dropped for missing values: lines 3, 4;"},
		{"drop in the space", "data: {path: wine.csv}\n" + model + "search:\n  trials: 2\n  space: {impute: {values: [mean, drop]}}\n",
			"(178 rows, 13 numeric features, 3 classes, 2 with missing values dropped when impute=drop: lines 3, 4;"},
		{"impute mean", "data: {path: wine.csv}\n" + model + "search: {trials: 1}\n",
			"(178 rows, 13 numeric features, 3 classes;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, "drop.yaml", tc.spec)
			r := sweep(t, Env{DB: filepath.Join(t.TempDir(), "sweep.db")}, "run", p)
			if r.code != 0 || !strings.Contains(r.stdout, tc.want) {
				t.Errorf("exit %d, want the plan to contain %q:\n%s%s", r.code, tc.want, r.stdout, r.stderr)
			}
		})
	}
}

// TestRunResumeEditedSpec checks that a comment or layout edit of the spec
// resumes the study, and that a change of its trials is refused with the
// field named.
func TestRunResumeEditedSpec(t *testing.T) {
	dir := t.TempDir()
	env := Env{DB: filepath.Join(dir, "sweep.db")}
	spec := wineSpec(t, dir, "edit.yaml", "  space:\n    units: {values: [4, 8]}\n")
	if r := sweep(t, env, "run", spec); r.code != 0 {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	src, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "edit.yaml", "# wine, small\n"+strings.ReplaceAll(string(src), "\n", "   \n"))
	if r := sweep(t, env, "run", spec); r.code != 0 || !strings.Contains(r.stdout, "study      edit (resuming, 2 of 2 trials recorded)") {
		t.Errorf("run after a comment edit: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	writeFile(t, dir, "edit.yaml", strings.Replace(string(src), "[4, 8]", "[4, 16]", 1))
	r := sweep(t, env, "run", spec)
	want := `sweep: study "edit" already exists with a different spec: search.space.units: values [4 8] → values [4 16]; pass --study NAME to start a new study`
	if first, _, _ := strings.Cut(r.stderr, "\n"); r.code != ExitFailure || first != want {
		t.Errorf("run after a change of the space: exit %d, stderr\n  %s\nwant\n  %s", r.code, first, want)
	}
}

// TestPrintSummaryHeld checks that the summary reports the trials another
// process was running.
func TestPrintSummaryHeld(t *testing.T) {
	t.Parallel()
	spec, err := experiments.Parse("s.yaml", ".", []byte("data: {path: x.csv}\n"))
	if err != nil {
		t.Fatal(err)
	}
	done := search.Trial{ID: 1, Status: search.StatusComplete, Params: search.Params{"units": search.Int(4)},
		Result: &search.Result{Value: 0.5, Values: map[string]float64{"val_macro_f1": 0.5}, EpochsRun: 2}}
	for _, tc := range []struct {
		held int
		want string
	}{
		{0, ""},
		{1, "\n1 trial was running in another process when this run reached it; the counts and the top 5 are the\n" +
			"whole study's as recorded now (a later run picks up any trial left unfinished)\n"},
		{3, "\n3 trials were running in another process when this run reached them;"},
	} {
		var buf strings.Builder
		trials := []search.Trial{done}
		if tc.held > 0 {
			// A held trial recorded before the run started is known as running.
			trials = append(trials, search.Trial{ID: 2, Number: 1, Status: search.StatusRunning})
		}
		printSummary(&buf, search.Summary{Study: search.Study{Name: "s"}, Trials: trials, Held: tc.held, Reason: search.StopDone}, spec, "")
		got := buf.String()
		if tc.held > 0 && !strings.Contains(got, "2 trials (1 complete, 1 running in another process)") {
			t.Errorf("held %d: summary\n%s\nwant the counts to add up", tc.held, got)
		}
		if tc.want == "" && strings.Contains(got, "another process") || !strings.Contains(got, tc.want) {
			t.Errorf("held %d: summary\n%s\nwant it to contain %q", tc.held, got, tc.want)
		}
	}
}

// TestPrintSummaryNothingLeft: a rerun that finds only failed trials with
// no attempts left says why nothing ran.
func TestPrintSummaryNothingLeft(t *testing.T) {
	t.Parallel()
	spec, err := experiments.Parse("s.yaml", ".", []byte("data: {path: x.csv}\nsearch: {max_retries: 2}\n"))
	if err != nil {
		t.Fatal(err)
	}
	failed := []search.Trial{{ID: 1, Status: search.StatusFailed, Attempt: 3}, {ID: 2, Number: 1, Status: search.StatusFailed, Attempt: 3}}
	var buf strings.Builder
	printSummary(&buf, search.Summary{Trials: failed, Reason: search.StopDone}, spec, "")
	if want := "no trial left to run: the 2 failed trials have used their attempts (search.max_retries: 2); raise it to retry them\n"; !strings.Contains(buf.String(), want) {
		t.Errorf("summary\n%s\nwant it to contain %q", buf.String(), want)
	}
	buf.Reset()
	printSummary(&buf, search.Summary{Trials: failed, Started: 2, Reason: search.StopDone}, spec, "")
	if strings.Contains(buf.String(), "no trial left") {
		t.Errorf("a run that started trials says none was left:\n%s", buf.String())
	}
}

// TestPrintPlan checks the plan's wording in the cases that once read
// wrong: an empty space, a grid smaller than the trials asked for, a
// resumed study with more trials than now asked for.
func TestPrintPlan(t *testing.T) {
	t.Parallel()
	const data = "data: {path: x.csv}\n"
	tests := []struct {
		name, spec             string
		recorded, asked, total int
		want                   []string
	}{
		{"empty space", data, 0, 2, 2, []string{
			"study      s (new)\n",
			"space      empty: every trial trains the spec's model, each with its own seed\n",
			"trials     2, random sampler, 1 in parallel\n"}},
		{"grid capped", data + "search:\n  sampler: grid\n  trials: 5\n  space: {units: {values: [4, 8]}}\n", 0, 5, 2, []string{
			"space      2 points over units\n",
			"trials     2 (every point of the grid; 5 asked for), grid sampler, 1 in parallel\n"}},
		{"resumed, fewer trials", data, 15, 5, 5, []string{"study      s (resuming: 15 trials recorded, more than the 5 now asked for)\n"}},
		{"resumed", data, 3, 5, 5, []string{"study      s (resuming, 3 of 5 trials recorded)\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			spec, err := experiments.Parse("s.yaml", ".", []byte(tc.spec))
			if err != nil {
				t.Fatal(err)
			}
			var buf strings.Builder
			printPlan(&buf, spec, "s.yaml", "10 rows", search.Study{Name: "s"}, tc.recorded, tc.asked, tc.total, "SQLite x.db")
			for _, w := range tc.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("plan lacks %q:\n%s", w, buf.String())
				}
			}
		})
	}
}

// TestPrintSummaryWording checks the stop reason and the params of a spec
// without a space in the summary.
func TestPrintSummaryWording(t *testing.T) {
	t.Parallel()
	spec, err := experiments.Parse("s.yaml", ".", []byte("data: {path: x.csv}\n"))
	if err != nil {
		t.Fatal(err)
	}
	done := search.Trial{ID: 1, Status: search.StatusComplete, Params: search.Params{"epochs": search.Int(3)},
		Result: &search.Result{Value: 0.5, Values: map[string]float64{"val_macro_f1": 0.5}, EpochsRun: 2}}
	var buf strings.Builder
	printSummary(&buf, search.Summary{Trials: []search.Trial{done}, Reason: search.StopSignal}, spec, "")
	if !strings.Contains(buf.String(), ", stopped: interrupted\n") || strings.Contains(buf.String(), "epochs=3") {
		t.Errorf("summary:\n%s\nwant \"stopped: interrupted\" and no epochs=3 parameter", buf.String())
	}
}

// TestSingular checks that the messages counting things use the singular
// for 1 and the plural otherwise.
func TestSingular(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0 trials"}, {1, "1 trial"}, {2, "2 trials"}} {
		if got := count(tc.n, "trial", "trials"); got != tc.want {
			t.Errorf("count(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}

	table, err := data.Read(context.Background(), strings.NewReader("x,label\n1,a\n1,2,3\n"), "one.csv", data.LoadOptions{DropMalformed: true})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := experiments.Parse("s.yaml", ".", []byte("data: {path: x.csv}\nsearch:\n  sampler: grid\n  space: {units: {values: [4]}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	printPlan(&plan, spec, "s.yaml", describeTable(table, 0, false), search.Study{Name: "s"}, 1, 1, 1, "SQLite x.db")
	one := search.Trial{ID: 1, Status: search.StatusComplete, Params: search.Params{"units": search.Int(4)},
		Result: &search.Result{Value: 0.5, Values: map[string]float64{"val_macro_f1": 0.5}, EpochsRun: 1, BestEpoch: 1}}
	var summary strings.Builder
	printSummary(&summary, search.Summary{Trials: []search.Trial{one}, Reason: search.StopDone}, spec, "")
	var show strings.Builder
	writeTrial(&show, tracker.TrialDetail{Study: search.Study{Name: "s", Objective: "val_macro_f1"}, Trial: one})

	tests := []struct{ name, out, want string }{
		{"plan: data", plan.String(), "(1 row, 1 numeric feature, 1 class, 1 malformed row dropped;"},
		{"plan: space", plan.String(), "space      1 point over units\n"},
		{"plan: resumed", plan.String(), "(resuming, 1 of 1 trial recorded)"},
		{"summary", summary.String(), "\n1 trial (1 complete) in "},
		{"show", show.String(), "outcome    1 epoch run, best epoch 1"},
		{"predict", predictMessage(4, experiments.PredictSummary{Rows: 1, Accuracy: math.NaN()}), "sweep: predicted 1 row with trial 4 "},
	}
	for _, tc := range tests {
		if !strings.Contains(tc.out, tc.want) {
			t.Errorf("%s: output lacks %q:\n%s", tc.name, tc.want, tc.out)
		}
	}
}

// TestRunResumeProgress checks that a resumed run's progress counts the
// trials the first run recorded and that its best is the study's best, the
// first of the summary's top 5.
func TestRunResumeProgress(t *testing.T) {
	dir := t.TempDir()
	env := Env{DB: filepath.Join(dir, "sweep.db")}
	spec := wineSpec(t, dir, "resume.yaml", "  space:\n    units: {values: [2, 4, 8]}\n")
	if r := sweep(t, env, "run", spec); r.code != 0 {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := sweep(t, env, "run", "--trials", "3", spec)
	if r.code != 0 {
		t.Fatalf("resume: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	line := regexp.MustCompile(`trial 2 \(ID \d+\) complete .*\[3/3, best [^ ]+ \(ID (\d+)\)\]`).FindStringSubmatch(r.stdout)
	top := regexp.MustCompile(`\ntop 3 by val_macro_f1:\nID .*\n(\d+) `).FindStringSubmatch(r.stdout)
	if line == nil || top == nil || line[1] != top[1] {
		t.Errorf("the resumed trial's line is not at 3/3 with the study's best:\n%s", r.stdout)
	}
}

// TestDescribeTableMissingLines checks that the plan names the first lines
// impute "drop" leaves out, and marks that there are more.
func TestDescribeTableMissingLines(t *testing.T) {
	t.Parallel()
	table, err := data.Read(context.Background(), strings.NewReader("x,label\n1,a\n,a\n2,b\n,b\n,a\n,b\n3,a\n"), "m.csv", data.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dropped    int
		everyTrial bool
		want       string
	}{
		{4, true, "7 rows, 1 numeric feature, 2 classes, 4 dropped for missing values: lines 3, 5, 6, …"},
		{4, false, "7 rows, 1 numeric feature, 2 classes, 4 with missing values dropped when impute=drop: lines 3, 5, 6, …"},
		{0, false, "7 rows, 1 numeric feature, 2 classes"},
	} {
		if got := describeTable(table, tc.dropped, tc.everyTrial); got != tc.want {
			t.Errorf("describeTable(%d, %t) = %q, want %q", tc.dropped, tc.everyTrial, got, tc.want)
		}
	}
}
