package sweepcli

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
)

// TestShowMetrics checks that show's metrics table has a row per split and
// a column per metric of tracker.MetricNames, each cell holding its value.
func TestShowMetrics(t *testing.T) {
	t.Parallel()
	values := map[string]float64{}
	for i, m := range tracker.MetricNames() {
		values[m] = float64(i+1) / 16 // exact in 4 decimals: 0.0625, 0.1250, ...
	}
	var buf bytes.Buffer
	writeTrial(&buf, tracker.TrialDetail{Trial: search.Trial{ID: 1, Status: search.StatusComplete, Result: &search.Result{Values: values}}})
	_, table, ok := strings.Cut(buf.String(), "\nmetrics\n")
	if !ok {
		t.Fatalf("no metrics table:\n%s", buf.String())
	}
	lines := strings.Split(table, "\n")
	header := strings.Fields(lines[0])
	rows := 0
	for _, l := range lines[1:] {
		cells := strings.Fields(l)
		if len(cells) == 0 {
			break
		}
		rows++
		if len(cells) != len(header)+1 {
			t.Fatalf("row %q has %d cells, header %q", l, len(cells), header)
		}
		for i, name := range header {
			if want := fmtNumber(values[cells[0]+"_"+name]); cells[i+1] != want {
				t.Errorf("%s %s = %s, want %s", cells[0], name, cells[i+1], want)
			}
		}
	}
	if rows*len(header) != len(values) {
		t.Errorf("%d rows × %d columns, want the %d metrics", rows, len(header), len(values))
	}
}

// TestWhereUnknownParam checks that --where with a name the study's space
// does not have is a usage error listing the parameters, not an empty
// leaderboard.
func TestWhereUnknownParam(t *testing.T) {
	env := Env{DB: filepath.Join(t.TempDir(), "s.db")}
	if r := sweep(t, env, "run", quickstart, "--trials", "1", "--study", "q"); r.code != 0 {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--study", "q", "--where", "bogus=1"}, ExitUsage,
			`sweep: leaderboard: --where bogus: study q has no parameter "bogus"; its parameters are dropout, learning_rate, sampling, units`},
		{[]string{"--where", "units=16", "--where", "Units=8"}, ExitUsage,
			`sweep: leaderboard: --where Units: no study has a parameter "Units"; the parameters are q: dropout, learning_rate, sampling, units`},
		{[]string{"--study", "q", "--where", "units=16"}, ExitOK, ""},
		{[]string{"--study", "other", "--where", "bogus=1"}, ExitFailure, `sweep: leaderboard: study "other" not found`},
	}
	for _, tc := range tests {
		r := sweep(t, env, append([]string{"leaderboard"}, tc.args...)...)
		if first, _, _ := strings.Cut(r.stderr, "\n"); r.code != tc.code || first != tc.want {
			t.Errorf("leaderboard %q: exit %d, stderr %q; want exit %d, %q", tc.args, r.code, r.stderr, tc.code, tc.want)
		}
	}
}

func TestFmtNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    float64
		want string
	}{
		{0.92274, "0.9227"},
		{0, "0.0000"},
		{-1.5, "-1.5000"},
		{1e-4, "0.0001"},
		{999999.5, "999999.5000"},
		{1.23456e72, "1.235e+72"},
		{-4e6, "-4e+06"},
		{3e-7, "3e-07"},
		{math.MaxFloat64, "1.798e+308"},
		{math.Inf(1), "+Inf"},
		{math.NaN(), "-"},
	}
	for _, tc := range tests {
		if got := fmtNumber(tc.v); got != tc.want {
			t.Errorf("fmtNumber(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// TestShowDiverged checks that show prints the losses of a diverging run,
// finite but huge, as short numbers in every table.
func TestShowDiverged(t *testing.T) {
	t.Parallel()
	huge := 1.2345678e72
	r := &search.Result{
		Value:     0.1,
		Values:    map[string]float64{"val_loss": huge, "test_loss": -huge, "val_macro_f1": 0.1},
		BestEpoch: 1, EpochsRun: 2,
		History: []search.Epoch{
			{Epoch: 1, TrainLoss: 3.5, ValLoss: 1e40, ValAcc: 0.3, ValMacroF1: 0.1},
			{Epoch: 2, TrainLoss: huge, ValLoss: huge, ValAcc: 0.3, ValMacroF1: 0.1},
		},
	}
	var buf bytes.Buffer
	writeTrial(&buf, tracker.TrialDetail{Trial: search.Trial{ID: 1, Status: search.StatusComplete, Result: r}})
	out := buf.String()
	for _, want := range []string{"1.235e+72", "-1.235e+72", "1e+40"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %s:\n%s", want, out)
		}
	}
	for _, cell := range strings.Fields(out) {
		if len(cell) > 12 && strings.Trim(cell, "0123456789.-") == "" {
			t.Errorf("show prints %s:\n%s", cell, out)
		}
	}
}

func TestWriteStudies(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	writeStudies(&buf, []tracker.StudySummary{{
		Study:  search.Study{Name: "q", Objective: "val_loss", Direction: search.Minimize, CreatedAt: time.Date(2026, 12, 3, 19, 17, 22, 0, time.UTC)},
		Trials: 13,
		Counts: map[search.Status]int{search.StatusComplete: 4, search.StatusPruned: 3, search.StatusFailed: 2, search.StatusInterrupted: 1,
			search.StatusRunning: 2, search.StatusQueued: 1},
		Best: 0.25, BestTrialID: 7,
	}})
	// running counts the running and the queued trials: the counts add up
	// to trials.
	want := "study  trials  complete  pruned  failed  interrupted  running  objective            best    best ID  created\n" +
		"q      13      4         3       2       1            3        val_loss (minimize)  0.2500  7        2026-12-03T19:17:22Z\n"
	if buf.String() != want {
		t.Errorf("studies table:\n%s\nwant\n%s", buf.String(), want)
	}
}

// TestReadmeStudies checks the README's sweep studies sample against the
// table writeStudies prints: the same header, counts that add up to trials
// as the README says, and the created time in the same format.
func TestReadmeStudies(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sample, ok := strings.Cut(string(readme), "$ sweep studies\n")
	lines := strings.SplitN(sample, "\n", 3)
	if !ok || len(lines) < 3 {
		t.Fatal("README has no sweep studies sample")
	}
	var buf bytes.Buffer
	writeStudies(&buf, []tracker.StudySummary{{Study: search.Study{Name: "quickstart"}}})
	if head, _, _ := strings.Cut(buf.String(), "\n"); strings.Join(strings.Fields(lines[0]), " ") != strings.Join(strings.Fields(head), " ") {
		t.Errorf("README header\n  %s\nwant\n  %s", lines[0], head)
	}
	cells := strings.Fields(lines[1])
	if len(cells) < 7 {
		t.Fatalf("README row %q", lines[1])
	}
	var n [6]int
	for i := range n {
		if n[i], err = strconv.Atoi(cells[1+i]); err != nil {
			t.Fatalf("README row %q: %v", lines[1], err)
		}
	}
	if sum := n[1] + n[2] + n[3] + n[4] + n[5]; sum != n[0] {
		t.Errorf("README row %q: the counts add up to %d, not %d trials", lines[1], sum, n[0])
	}
	created := cells[len(cells)-1]
	if at, err := time.Parse(time.RFC3339, created); err != nil || at.UTC().Format(time.RFC3339) != created {
		t.Errorf("README row %q: created %q is not RFC 3339 UTC as writeStudies prints it", lines[1], created)
	}
}

// TestLeaderboardCSV checks that the leaderboard CSV gives each parameter
// its own column, as export does, empty where a trial lacks it.
func TestLeaderboardCSV(t *testing.T) {
	t.Parallel()
	entries := []tracker.Entry{
		{TrialID: 3, Study: "a", Number: 2, Status: search.StatusComplete, Value: 0.5,
			Metrics: map[string]float64{"val_loss": 0.25}, Params: search.Params{"units": search.Int(8), "lr": search.Float(0.01)}},
		{TrialID: 9, Study: "b", Number: 0, Status: search.StatusComplete, Value: 0.25,
			Params: search.Params{"units": search.Int(16), "sampling": search.String("none")}},
	}
	var buf bytes.Buffer
	if err := writeLeaderboardCSV(&buf, "value", entries); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	metrics := strings.Repeat(",", len(tracker.MetricNames())-1)
	loss := slices.Index(tracker.MetricNames(), "val_loss")
	withLoss := strings.Repeat(",", loss) + "0.25" + strings.Repeat(",", len(tracker.MetricNames())-1-loss)
	want := []string{
		"trial_id,study,number,status,value," + strings.Join(tracker.MetricNames(), ",") + ",params.lr,params.sampling,params.units",
		"3,a,2,complete,0.5," + withLoss + ",0.01,,8",
		"9,b,0,complete,0.25," + metrics + ",,none,16",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("leaderboard csv:\n%s\nwant\n%s", buf.String(), strings.Join(want, "\n"))
	}
}

// TestShowWideLabels checks that show's classification report and
// confusion matrix stay aligned with class names a terminal displays wider
// or narrower than their runes: CJK characters take two columns, a
// combining accent none. The golden file is testdata/wide-labels.golden
// (go test -update rewrites it).
func TestShowWideLabels(t *testing.T) {
	t.Parallel()
	labels := []string{"évier", "e\u0301vier", "垃圾邮件", "ｓｐａｍ", "ham"}
	ev := search.Evaluation{Split: "test", Labels: labels}
	for i, l := range labels {
		ev.Classes = append(ev.Classes, search.ClassMetrics{Label: l, Precision: 0.5, Recall: 0.25, F1: 1.0 / 3, Support: 10 * (i + 1)})
		row := make([]int, len(labels))
		for j := range row {
			row[j] = (i + 1) * (j + 1) * 7
		}
		ev.Confusion = append(ev.Confusion, row)
	}
	var buf bytes.Buffer
	writeTrial(&buf, tracker.TrialDetail{Trial: search.Trial{ID: 1, Status: search.StatusComplete,
		Result: &search.Result{Values: map[string]float64{}, Evaluations: []search.Evaluation{ev}}}})
	_, got, ok := strings.Cut(buf.String(), "\nclassification report")
	if !ok {
		t.Fatalf("no classification report:\n%s", buf.String())
	}
	got = "classification report" + got
	golden := filepath.Join("testdata", "wide-labels.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("show's tables:\n%s\nwant (%s)\n%s", got, golden, want)
	}
	// Independently of the golden file: in each table, every column of a
	// row starts at the display column it starts at in the header.
	for _, block := range strings.Split(strings.TrimSpace(got), "\n\n") {
		lines := strings.Split(block, "\n")[1:]
		starts := func(l string) []int {
			var out []int
			col, prevSpace := 0, true
			for _, r := range l {
				space := r == ' '
				if !space && prevSpace && col > 0 {
					out = append(out, col)
				}
				prevSpace = space
				col += displayWidth(string(r))
			}
			return out
		}
		want := starts(lines[0])
		for _, l := range lines[1:] {
			if got := starts(l); !slices.Equal(got, want) {
				t.Errorf("row %q: columns start at display columns %v, header's at %v", l, got, want)
			}
		}
	}
}

func TestDisplayWidth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    string
		want int
	}{
		{"spam", 4},
		{"évier", 5},       // precomposed é
		{"e\u0301vier", 5}, // e + combining acute accent
		{"垃圾邮件", 8},        // CJK ideographs: wide
		{"ｓｐａｍ", 8},        // fullwidth Latin
		{"ﾊﾑ", 2},          // halfwidth katakana
		{"a\u200db", 2},    // zero-width joiner
		{"", 0},
	}
	for _, tc := range tests {
		if got := displayWidth(tc.s); got != tc.want {
			t.Errorf("displayWidth(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}

// TestLeaderboardObjectives checks that ranking every study by its
// objective needs one objective and direction among them: a minimized
// objective shared by all ranks lowest first; different ones are a usage
// error naming them, which --study or --by resolves.
func TestLeaderboardObjectives(t *testing.T) {
	dir := t.TempDir()
	env := Env{DB: filepath.Join(dir, "sweep.db")}
	loss := "  objective: val_loss\n  direction: minimize\n"
	for _, spec := range []string{wineSpec(t, dir, "lossa.yaml", loss), wineSpec(t, dir, "lossb.yaml", loss)} {
		if r := sweep(t, env, "run", spec); r.code != 0 {
			t.Fatalf("run %s: exit %d\n%s%s", spec, r.code, r.stdout, r.stderr)
		}
	}
	r := sweep(t, env, "leaderboard", "--format", "csv")
	var values []float64
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n")[1:] {
		v, err := strconv.ParseFloat(strings.Split(line, ",")[4], 64)
		if err != nil {
			t.Fatalf("leaderboard line %q: %v", line, err)
		}
		values = append(values, v)
	}
	if r.code != 0 || len(values) != 4 || !slices.IsSorted(values) {
		t.Errorf("leaderboard of two val_loss studies: exit %d, values %v, want 4 ascending\n%s", r.code, values, r.stderr)
	}

	if r := sweep(t, env, "run", wineSpec(t, dir, "f1.yaml", "")); r.code != 0 {
		t.Fatalf("run f1: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = sweep(t, env, "leaderboard")
	want := "sweep: leaderboard: the studies optimize different objectives, which do not rank in one column: " +
		"f1 (val_macro_f1, maximize), lossa (val_loss, minimize), lossb (val_loss, minimize); " +
		"pass --study NAME to rank one study or --by METRIC to rank all by one metric"
	if first, _, _ := strings.Cut(r.stderr, "\n"); r.code != ExitUsage || first != want {
		t.Errorf("leaderboard of mixed objectives: exit %d, stderr\n%s\nwant exit %d and\n%s", r.code, r.stderr, ExitUsage, want)
	}
	for _, args := range [][]string{{"--study", "f1"}, {"--by", "val_loss"}, {"--by", "test_macro_f1"}} {
		if r := sweep(t, env, append([]string{"leaderboard"}, args...)...); r.code != 0 || strings.Count(r.stdout, "\n") < 3 {
			t.Errorf("leaderboard %q: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
}

// TestShowInterruptCause checks that show words an interrupted trial's
// recorded cause as the progress line does; other errors stay as recorded.
func TestShowInterruptCause(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status search.Status
		err    string
		want   string
	}{
		{search.StatusInterrupted, "interrupted: second signal: interrupt", "error      cancelled by a second interrupt\n"},
		{search.StatusInterrupted, "interrupted: context canceled", "error      cancelled\n"},
		{search.StatusFailed, "trainer: diverged: second signal: interrupt", "error      trainer: diverged: second signal: interrupt\n"},
	}
	for _, tc := range tests {
		var buf bytes.Buffer
		writeTrial(&buf, tracker.TrialDetail{Trial: search.Trial{ID: 1, Status: tc.status, Error: tc.err}})
		if !strings.Contains(buf.String(), tc.want) {
			t.Errorf("show of a %s trial with error %q lacks %q:\n%s", tc.status, tc.err, tc.want, buf.String())
		}
	}
}
