package tracker

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sweep-ml/sweep/search"
)

// fakeRows serves fixed rows the way a driver does: Scan copies each value
// into a pointer of its type, and err ends the iteration after the rows.
type fakeRows struct {
	rows [][]any
	i    int
	err  error
}

func (f *fakeRows) Next() bool {
	if f.i >= len(f.rows) {
		return false
	}
	f.i++
	return true
}

func (f *fakeRows) Scan(dest ...any) error {
	row := f.rows[f.i-1]
	if len(dest) != len(row) {
		return fmt.Errorf("%d destinations for %d columns", len(dest), len(row))
	}
	for k, d := range dest {
		dv, v := reflect.ValueOf(d).Elem(), reflect.ValueOf(row[k])
		if !v.Type().AssignableTo(dv.Type()) {
			return fmt.Errorf("column %d: cannot scan %T into %T", k, row[k], d)
		}
		dv.Set(v)
	}
	return nil
}

func (f *fakeRows) Err() error { return f.err }

func TestScanEvaluations(t *testing.T) {
	lost := errors.New("connection lost")
	cases := []struct {
		name    string
		rows    fakeRows
		want    []search.Evaluation
		wantErr string
	}{
		{"none", fakeRows{}, nil, ""},
		{"two", fakeRows{rows: [][]any{
			{"val", []byte(`["a","b"]`), []byte(`[[1,0],[0,1]]`)},
			{"test", []byte(`[]`), []byte(`[]`)},
		}}, []search.Evaluation{
			{Split: "val", Labels: []string{"a", "b"}, Confusion: [][]int{{1, 0}, {0, 1}}},
			{Split: "test", Labels: []string{}, Confusion: [][]int{}},
		}, ""},
		{"bad labels", fakeRows{rows: [][]any{{"val", []byte(`{`), []byte(`[]`)}}}, nil, "evaluation val labels"},
		{"scan", fakeRows{rows: [][]any{{"val", 1, []byte(`[]`)}}}, nil, "evaluations: column 1"},
		{"err", fakeRows{err: lost}, nil, "evaluations: connection lost"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ScanEvaluations(&c.rows, nil)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
}

func TestScanClasses(t *testing.T) {
	a := search.ClassMetrics{Label: "a", Precision: 0.5, Recall: 0.25, F1: 1.0 / 3, Support: 4}
	b := search.ClassMetrics{Label: "b", Precision: 1, Recall: 1, F1: 1, Support: 2}
	row := func(pos int, c search.ClassMetrics) []any {
		return []any{pos, c.Label, c.Precision, c.Recall, c.F1, c.Support}
	}
	cases := []struct {
		name    string
		rows    fakeRows
		want    [][]search.ClassMetrics
		wantErr string
	}{
		{"none", fakeRows{}, [][]search.ClassMetrics{nil, nil}, ""},
		{"both evaluations", fakeRows{rows: [][]any{row(0, a), row(0, b), row(1, b)}},
			[][]search.ClassMetrics{{a, b}, {b}}, ""},
		{"position past the end", fakeRows{rows: [][]any{row(2, a)}}, nil, "classes: row for evaluation 2 of 2"},
		{"negative position", fakeRows{rows: [][]any{row(-1, a)}}, nil, "classes: row for evaluation -1 of 2"},
		{"scan", fakeRows{rows: [][]any{{0, "a"}}}, nil, "classes: 6 destinations for 2 columns"},
		{"err", fakeRows{err: errors.New("reset")}, nil, "classes: reset"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			evals := []search.Evaluation{{Split: "val"}, {Split: "test"}}
			err := ScanClasses(&c.rows, evals)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range evals {
				if !reflect.DeepEqual(e.Classes, c.want[i]) {
					t.Errorf("evaluation %d classes %+v, want %+v", i, e.Classes, c.want[i])
				}
			}
		})
	}
}

func TestScanEpochs(t *testing.T) {
	e1 := search.Epoch{Epoch: 1, TrainLoss: 0.9, TrainAcc: 0.5, ValLoss: 0.8, ValAcc: 0.6, ValMacroF1: 0.55, Seconds: 1.5}
	e2 := search.Epoch{Epoch: 2, TrainLoss: 0.4, TrainAcc: 0.8, ValLoss: 0.5, ValAcc: 0.7, ValMacroF1: 0.65, Seconds: 1.25}
	row := func(e search.Epoch) []any {
		return []any{e.Epoch, e.TrainLoss, e.TrainAcc, e.ValLoss, e.ValAcc, e.ValMacroF1, e.Seconds}
	}
	cases := []struct {
		name    string
		rows    fakeRows
		want    []search.Epoch
		wantErr string
	}{
		{"none", fakeRows{}, nil, ""},
		{"two in order", fakeRows{rows: [][]any{row(e1), row(e2)}}, []search.Epoch{e1, e2}, ""},
		{"scan", fakeRows{rows: [][]any{{"one", 0.9, 0.5, 0.8, 0.6, 0.55, 1.5}}}, nil, "history: column 0"},
		{"err after rows", fakeRows{rows: [][]any{row(e1)}, err: errors.New("timeout")}, nil, "history: timeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ScanEpochs(&c.rows, nil)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
}
