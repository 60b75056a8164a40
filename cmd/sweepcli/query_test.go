package sweepcli

import (
	"bytes"
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
