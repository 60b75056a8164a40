package sweepcli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

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
			if want := fmtMetric(values[cells[0]+"_"+name]); cells[i+1] != want {
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
		{[]string{"--where", "units=8", "--where", "Units=8"}, ExitUsage,
			`sweep: leaderboard: --where Units: no study has a parameter "Units"; the parameters are q: dropout, learning_rate, sampling, units`},
		{[]string{"--study", "q", "--where", "units=4"}, ExitOK, ""},
		{[]string{"--study", "other", "--where", "bogus=1"}, ExitFailure, `sweep: leaderboard: study "other": not found`},
	}
	for _, tc := range tests {
		r := sweep(t, env, append([]string{"leaderboard"}, tc.args...)...)
		if first, _, _ := strings.Cut(r.stderr, "\n"); r.code != tc.code || first != tc.want {
			t.Errorf("leaderboard %q: exit %d, stderr %q; want exit %d, %q", tc.args, r.code, r.stderr, tc.code, tc.want)
		}
	}
}
