package data

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const irisPath = "../../experiments/data/iris.csv"

func readString(t *testing.T, name, content string, opts LoadOptions) (*Table, error) {
	t.Helper()
	return Read(context.Background(), strings.NewReader(content), name, opts)
}

func TestLoadIris(t *testing.T) {
	t.Parallel()
	tab, err := Load(context.Background(), irisPath, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 150 {
		t.Fatalf("rows = %d, want 150", tab.Len())
	}
	wantFeat := []string{"sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"}
	if strings.Join(tab.Features, ",") != strings.Join(wantFeat, ",") {
		t.Errorf("features = %q, want %q", tab.Features, wantFeat)
	}
	if tab.Columns[4].Kind != KindLabel || tab.Columns[0].Kind != KindNumeric {
		t.Errorf("kinds = %+v", tab.Columns)
	}
	// First data row of iris.csv: 5.1,3.5,1.4,0.2,setosa (line 2).
	if r := tab.Row(0); r[0] != 5.1 || r[3] != 0.2 || tab.Labels[0] != "setosa" || tab.Lines[0] != 2 {
		t.Errorf("row 0 = %v %q line %d", r, tab.Labels[0], tab.Lines[0])
	}
	if len(tab.Fingerprint) != 64 {
		t.Errorf("fingerprint %q", tab.Fingerprint)
	}
	again, err := Load(context.Background(), irisPath, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Fingerprint != tab.Fingerprint {
		t.Error("fingerprint differs between two loads of the same file")
	}
	other, err := Load(context.Background(), irisPath, LoadOptions{DropMalformed: true})
	if err != nil {
		t.Fatal(err)
	}
	if other.Fingerprint == tab.Fingerprint {
		t.Error("fingerprint ignores the loading options")
	}
}

func TestLoadSpamGzip(t *testing.T) {
	t.Parallel()
	tab, err := Load(context.Background(), "../../experiments/data/spam.csv.gz", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !tab.IsText() || tab.Len() != 3645 || len(tab.Docs) != 3645 || tab.Features != nil {
		t.Fatalf("text=%v rows=%d docs=%d features=%v", tab.IsText(), tab.Len(), len(tab.Docs), tab.Features)
	}
	counts := map[string]int{}
	for _, l := range tab.Labels {
		counts[l]++
	}
	// experiments/data/README.md: easy_ham 1500, hard_ham 250, spam 1895.
	if counts["easy_ham"] != 1500 || counts["hard_ham"] != 250 || counts["spam"] != 1895 {
		t.Errorf("label counts %v", counts)
	}
	if !strings.HasPrefix(tab.Docs[0], "[zzzzteana] RE: Alexander") {
		t.Errorf("doc 0 = %.40q", tab.Docs[0])
	}
}

func TestLoadTSVGzipAndMissing(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("a\tb\tlabel\n1\tNA\tx\n?\t2.5\ty\n3\t\tx\nnull\tNaN\ty\n"))
	zw.Close()
	path := filepath.Join(t.TempDir(), "d.tsv.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	tab, err := Load(context.Background(), path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 4 || tab.Columns[0].Missing != 2 || tab.Columns[1].Missing != 3 || tab.Columns[2].Missing != 0 {
		t.Fatalf("rows %d, columns %+v", tab.Len(), tab.Columns)
	}
	if r := tab.Row(1); !math.IsNaN(r[0]) || r[1] != 2.5 {
		t.Errorf("row 1 = %v, want [NaN 2.5]", r)
	}
}

// TestMissingLines: the lines of the rows impute "drop" leaves out, first
// ones first, none for text data.
func TestMissingLines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name, content string
		max           int
		want          []int
	}{
		// Line 4 is a blank line, which is no row; "multi\nline" spans 5-6.
		{"numeric", "a,b,label\n1,2,x\n1,NA,y\n\n,3,\"multi\nline\"\n4,5,x\n6,?,y\n", 10, []int{3, 5, 8}},
		{"first few", "a,b,label\n1,2,x\n1,NA,y\n,3,x\n6,?,y\n", 2, []int{3, 4}},
		{"none", "a,b,label\n1,2,x\n", 10, nil},
		{"text", "text,label\n,x\nhello,y\n", 10, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".csv")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			tab, err := Load(context.Background(), path, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := tab.MissingLines(tc.max); !slices.Equal(got, tc.want) {
				t.Errorf("MissingLines(%d) = %v, want %v", tc.max, got, tc.want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, content string
		opts          LoadOptions
		want          []string // substrings of the error
	}{
		{"empty file", "", LoadOptions{}, []string{"empty file"}},
		{"header only", "a,b,label\n", LoadOptions{}, []string{"header only"}},
		{"no label column", "a,b,class\n1,2,x\n", LoadOptions{}, []string{`label column "label" not found`, "f.csv:1"}},
		{"named label absent", "a,label\n1,x\n", LoadOptions{Label: "y"}, []string{`label column "y" not found`}},
		{"duplicate column", "a,a,label\n1,2,x\n", LoadOptions{}, []string{`duplicate column name "a"`}},
		{"empty text column", "text,label\n,x\n\"\",y\n", LoadOptions{}, []string{`text column "text": every value is empty`}},
		{"field count", "a,b,label\n1,2,x\n1,x\n", LoadOptions{}, []string{"f.csv:3", "2 fields, header has 3", "drop_malformed"}},
		{"bad number", "a,b,label\n1,2,x\n1,zz,y\n", LoadOptions{}, []string{"f.csv:3:3", `column "b"`, `"zz" is not a number`}},
		{"decimal comma", "a;b;label\n5,1;3,5;x\n", LoadOptions{Comma: ';'}, []string{"f.csv:2:1", `column "a": "5,1" is not a number: decimal commas are not read; write 5.1`}},
		{"thousands or decimal comma", "a;b;label\n5;1,000;x\n", LoadOptions{Comma: ';'}, []string{`"1,000" is not a number: decimal commas are not read; write 1.000 (or 1000 if the comma separates thousands)`}},
		{"signed decimal comma", "a;b;label\n5;-0,25;x\n", LoadOptions{Comma: ';'}, []string{`"-0,25" is not a number: decimal commas are not read; write -0.25`}},
		{"thousands, not decimal", "a;b;label\n5;1,000,000;x\n", LoadOptions{Comma: ';'}, []string{`"1,000,000" is not a number; if it is the text column`}},
		{"infinite", "a,b,label\n1,2,x\n1,inf,y\n", LoadOptions{}, []string{"f.csv:3:3", `"inf" is not finite`}},
		{"overflow", "a,b,label\n1,1e999,y\n", LoadOptions{}, []string{"f.csv:2:3", "not finite"}},
		{"missing label", "a,label\n1,NA\n", LoadOptions{}, []string{"f.csv:2", "missing label"}},
		{"only label", "label\nx\n", LoadOptions{}, []string{"no feature columns"}},
		{"unknown feature", "a,b,label\n1,2,x\n", LoadOptions{Features: []string{"c"}}, []string{`features[0]: column "c" not found`}},
		{"bare quote", "a,label\n1,x\"y\n", LoadOptions{}, []string{"f.csv", "bare"}},
		{"all dropped", "a,label\nq,x\n", LoadOptions{DropMalformed: true}, []string{"no data rows left", "1 rows"}},
		{"not gzip", "a,label\n1,x\n", LoadOptions{}, nil}, // named .gz below
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := "f.csv"
			want := tc.want
			if tc.name == "not gzip" {
				name, want = "f.csv.gz", []string{"not gzip"}
			}
			_, err := readString(t, name, tc.content, tc.opts)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadDropMalformed(t *testing.T) {
	t.Parallel()
	content := "a,b,label\n1,2,x\n1,zz,y\n3,4\n5,6,y\n7,inf,x\n8,9,\n"
	tab, err := readString(t, "f.csv", content, LoadOptions{DropMalformed: true})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 2 || tab.Dropped != 4 || len(tab.DroppedReasons) != 4 {
		t.Fatalf("rows %d dropped %d reasons %q", tab.Len(), tab.Dropped, tab.DroppedReasons)
	}
	if tab.Lines[1] != 5 || tab.Row(1)[0] != 5 {
		t.Errorf("kept row 1 from line %d = %v, want line 5 [5 6]", tab.Lines[1], tab.Row(1))
	}
	if !strings.Contains(tab.DroppedReasons[0], "f.csv:3:3") {
		t.Errorf("reason 0 = %q", tab.DroppedReasons[0])
	}
}

func TestLoadOptionsColumns(t *testing.T) {
	t.Parallel()
	content := "id,text,b,cls\n1,hello world,2,x\n2,NA,3,y\n"
	tab, err := readString(t, "f.csv", content, LoadOptions{Label: "cls"})
	if err != nil {
		t.Fatal(err)
	}
	want := []ColumnKind{KindIgnored, KindText, KindIgnored, KindLabel}
	for i, c := range tab.Columns {
		if c.Kind != want[i] {
			t.Errorf("column %q kind %q, want %q", c.Name, c.Kind, want[i])
		}
	}
	if tab.Docs[1] != "" || tab.Columns[1].Missing != 1 {
		t.Errorf("docs %q missing %d", tab.Docs, tab.Columns[1].Missing)
	}
	tab, err = readString(t, "f.csv", content, LoadOptions{Label: "cls", Features: []string{"b", "id"}})
	if err != nil {
		t.Fatal(err)
	}
	if tab.IsText() || tab.Row(1)[0] != 3 || tab.Row(1)[1] != 2 {
		t.Errorf("features %q row 1 %v, want [3 2]", tab.Features, tab.Row(1))
	}
	tab, err = readString(t, "f.csv", "a,b\n1,2\n", LoadOptions{LabelOptional: true})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Labels != nil || tab.Len() != 1 || len(tab.Features) != 2 {
		t.Errorf("labels %v rows %d features %v", tab.Labels, tab.Len(), tab.Features)
	}
	// Prediction input may leave some labels out.
	tab, err = readString(t, "f.csv", "a,label\n1,x\n2,NA\n3,\n", LoadOptions{LabelOptional: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tab.Labels, []string{"x", "", ""}) {
		t.Errorf("optional labels %q, want x and two unlabelled rows", tab.Labels)
	}
}

func TestLoadManyBlocks(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("v,label\n")
	const n = 3*blockRows + 7
	for i := range n {
		b.WriteString(itoa(i))
		b.WriteString(",c\n")
	}
	tab, err := readString(t, "f.csv", b.String(), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, blockRows - 1, blockRows, n - 1} {
		if tab.Row(i)[0] != float64(i) || tab.Lines[i] != i+2 {
			t.Errorf("row %d = %v line %d", i, tab.Row(i), tab.Lines[i])
		}
	}
}

func itoa(i int) string {
	var buf [20]byte
	p := len(buf)
	for {
		p--
		buf[p] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(buf[p:])
		}
	}
}

func TestLoadCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Read(ctx, strings.NewReader("a,label\n1,x\n"), "f.csv", LoadOptions{})
	if err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Fatalf("err = %v, want context canceled", err)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("a,b,label\n1,2,x\n3,4,y\n"), false)
	f.Add([]byte("text,label\nhello,x\n"), true)
	f.Add([]byte("a,label\n\"1\n\",x\n"), true)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("a,label\n1,x\n2,y\n"))
	zw.Close()
	f.Add(gz.Bytes(), false)
	f.Add(gz.Bytes()[:gz.Len()-4], true)
	f.Fuzz(func(t *testing.T, content []byte, drop bool) {
		tab, err := Read(context.Background(), bytes.NewReader(content), "fuzz.csv", LoadOptions{DropMalformed: drop})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if tab.Len() == 0 || len(tab.Labels) != tab.Len() || len(tab.Lines) != tab.Len() {
			t.Fatalf("rows %d labels %d lines %d", tab.Len(), len(tab.Labels), len(tab.Lines))
		}
		records, err := csvRecords(content)
		if err != nil {
			t.Fatalf("read %d rows from damaged content: %v", tab.Len(), err)
		}
		if tab.Len()+tab.Dropped != records-1 {
			t.Fatalf("%d rows and %d dropped from %d records after the header", tab.Len(), tab.Dropped, records-1)
		}
		if !drop && tab.Dropped != 0 {
			t.Fatalf("%d rows dropped without drop_malformed", tab.Dropped)
		}
		if !tab.IsText() {
			for i := range tab.Len() {
				for _, v := range tab.Row(i) {
					if math.IsInf(v, 0) {
						t.Fatalf("row %d holds an infinite value", i)
					}
				}
			}
		}
	})
}

// csvRecords counts the records of a comma-separated content, gzip
// compressed or not, as a check that Read neither loses nor invents rows;
// it fails where the gzip stream or the CSV is damaged.
func csvRecords(content []byte) (int, error) {
	var r io.Reader = bytes.NewReader(content)
	if len(content) >= 2 && content[0] == 0x1f && content[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return 0, err
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			return 0, err
		}
		r = bytes.NewReader(plain)
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	n := 0
	for {
		_, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
		n++
	}
}

func TestParseNumberMatchesParseFloat(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"0", "7", "-0", "+12", "255", "-999999999999999", "123456789012345", "1234567890123456", "1.5", "1e3", "-", "+", "", "12a", "0x10", "inf", "NaN", "٣"} {
		got, gerr := parseNumber(s)
		want, werr := strconv.ParseFloat(s, 64)
		if (gerr == nil) != (werr == nil) || (werr == nil && math.Float64bits(got) != math.Float64bits(want)) {
			t.Errorf("parseNumber(%q) = %v, %v; ParseFloat gives %v, %v", s, got, gerr, want, werr)
		}
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"0", "-12", "+3", "1.5e3", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gerr := parseNumber(s)
		want, werr := strconv.ParseFloat(s, 64)
		if (gerr == nil) != (werr == nil) || (werr == nil && math.Float64bits(got) != math.Float64bits(want)) {
			t.Errorf("parseNumber(%q) = %v, %v; ParseFloat gives %v, %v", s, got, gerr, want, werr)
		}
	})
}

func TestLoadTrimsWhiteSpace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, content string
		opts          LoadOptions
		labels        []string
		classes       []string
		row0          []float64 // nil for text tables
		docs          []string  // nil for numeric tables
	}{
		{
			name:    "trailing and leading spaces in labels",
			content: "a,label\n1,setosa\n2,setosa \n3, setosa\n4,\tversicolor\t\n",
			labels:  []string{"setosa", "setosa", "setosa", "versicolor"},
			classes: []string{"setosa", "versicolor"},
			row0:    []float64{1},
		},
		{
			name:    "quoted label with spaces",
			content: "a,label\n1,\" setosa \"\n2,setosa\n3,\"two words\"\n",
			labels:  []string{"setosa", "setosa", "two words"},
			classes: []string{"setosa", "two words"},
			row0:    []float64{1},
		},
		{
			name:    "no-break space and CRLF",
			content: "a,label\r\n1,x\u00a0\r\n2,x\r\n3,y \r\n",
			labels:  []string{"x", "x", "y"},
			classes: []string{"x", "y"},
			row0:    []float64{1},
		},
		{
			name:    "numeric cells with spaces",
			content: "a,b,label\n 5.1 ,\t3,x\n6, NA ,y\n",
			labels:  []string{"x", "y"},
			classes: []string{"x", "y"},
			row0:    []float64{5.1, 3},
		},
		{
			name:    "blank optional label",
			content: "a,label\n1,  \n2,x\n",
			opts:    LoadOptions{LabelOptional: true},
			labels:  []string{"", "x"},
			classes: []string{"", "x"},
			row0:    []float64{1},
		},
		{
			name:    "text kept as written",
			content: "text,label\n  hello world ,spam \nbye,ham\n",
			labels:  []string{"spam", "ham"},
			classes: []string{"ham", "spam"},
			docs:    []string{"  hello world ", "bye"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tab, err := readString(t, "f.csv", tc.content, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tab.Labels, tc.labels) {
				t.Errorf("labels %q, want %q", tab.Labels, tc.labels)
			}
			if classes, _ := EncodeLabels(tab.Labels); !slices.Equal(classes, tc.classes) {
				t.Errorf("classes %q, want %q", classes, tc.classes)
			}
			if tc.row0 != nil && !slices.Equal(tab.Row(0), tc.row0) {
				t.Errorf("row 0 = %v, want %v", tab.Row(0), tc.row0)
			}
			if !slices.Equal(tab.Docs, tc.docs) {
				t.Errorf("docs %q, want %q", tab.Docs, tc.docs)
			}
		})
	}
}

// TestLoadFingerprintsPinned guards the fingerprints of the shipped data
// files: a change would make every recorded trial on them irreproducible.
// The values were computed by Load at the commit that added this test.
func TestLoadFingerprintsPinned(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, fingerprint string
		classes           []string
	}{
		{irisPath, "134a8f1c7932dbad0a9ae4089036572650e15252a418b29670f6c9b9d369a5d2", []string{"setosa", "versicolor", "virginica"}},
		{"../../experiments/data/spam.csv.gz", "c79e73f338b78a3a53e90408687ee90dbb3b8743a18e26ebf51724e83f87e90c", []string{"easy_ham", "hard_ham", "spam"}},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			t.Parallel()
			tab, err := Load(context.Background(), tc.path, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if tab.Fingerprint != tc.fingerprint {
				t.Errorf("fingerprint %s, want %s", tab.Fingerprint, tc.fingerprint)
			}
			if classes, _ := EncodeLabels(tab.Labels); !slices.Equal(classes, tc.classes) {
				t.Errorf("classes %q, want %q", classes, tc.classes)
			}
		})
	}
}

func TestLoadMissingColumnHints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, content string
		opts                LoadOptions
		want                string // the whole error
	}{
		{
			name: "semicolon", file: "f.csv", content: "a;b;label\n1;2;x\n",
			want: `f.csv:1: label column "label" not found in header ["a;b;label"]: header has one column "a;b;label": is the file separated by ';'? set comma to ";"`,
		},
		{
			name: "tab in a .csv", file: "f.csv", content: "a\tb\tlabel\n1\t2\tx\n",
			want: `f.csv:1: label column "label" not found in header ["a\tb\tlabel"]: header has one column "a\tb\tlabel": is the file separated by '\t'? set comma to "\t"`,
		},
		{
			name: "comma in a .tsv", file: "f.tsv", content: "a,b,label\n1,2,x\n",
			want: `f.tsv:1: label column "label" not found in header ["a,b,label"]: header has one column "a,b,label": is the file separated by ','? set comma to ","`,
		},
		{
			name: "semicolon prediction file", file: "new.csv", content: "a;b\n1;2\n",
			opts: LoadOptions{LabelOptional: true, Features: []string{"a", "b"}},
			want: `new.csv:1: features[0]: column "a" not found in header: header has one column "a;b": is the file separated by ';'? set comma to ";"`,
		},
		{
			name: "fitted feature missing", file: "new.csv", content: "a,c\n1,2\n",
			opts: LoadOptions{LabelOptional: true, Features: []string{"a", "b"}, FeaturesFitted: true},
			want: `new.csv:1: column "b" (a feature the model was trained on) not found in header ["a" "c"]`,
		},
		{
			name: "semicolon fitted prediction file", file: "new.csv", content: "a;b\n1;2\n",
			opts: LoadOptions{LabelOptional: true, Features: []string{"a", "b"}, FeaturesFitted: true},
			want: `new.csv:1: column "a" (a feature the model was trained on) not found in header ["a;b"]: header has one column "a;b": is the file separated by ';'? set comma to ";"`,
		},
		{
			name: "semicolon text prediction file", file: "new.csv", content: "text;label\nhello world;spam\n",
			opts: LoadOptions{LabelOptional: true, TextRequired: true},
			want: `new.csv:1: text column "text" not found in header ["text;label"]: header has one column "text;label": is the file separated by ';'? set comma to ";"`,
		},
		{
			name: "text required", file: "new.csv", content: "body,label\nhello,spam\n",
			opts: LoadOptions{LabelOptional: true, TextRequired: true},
			want: `new.csv:1: text column "text" not found in header ["body" "label"]`,
		},
		{
			name: "more semicolons than commas", file: "f.csv", content: "\"a,1;b;label\"\n",
			want: `f.csv:1: label column "label" not found in header ["a,1;b;label"]: header has one column "a,1;b;label": is the file separated by ';'? set comma to ";"`,
		},
		{
			name: "bare carriage returns", file: "f.csv", content: "a,label\r1,x\r2,y\r",
			want: `f.csv:1: label column "label" not found in header ["a" "label\r1" "x\r2" "y"]: the lines seem to end in a bare carriage return (\r); save the file with \n or \r\n line endings`,
		},
		{
			name: "utf-16", file: "f.csv", content: "\xff\xfea\x00,\x00l\x00\n\x00",
			want: `f.csv:1: label column "label" not found in header ["\xff\xfea\x00" "\x00l\x00"]: the file looks UTF-16 encoded; save it as UTF-8`,
		},
		{
			name: "spaced name", file: "f.csv", content: "a, label\n1,x\n",
			want: `f.csv:1: label column "label" not found in header ["a" " label"]: column " label" differs only in white space`,
		},
		{
			name: "no guess", file: "f.csv", content: "a,class\n1,x\n",
			want: `f.csv:1: label column "label" not found in header ["a" "class"]`,
		},
		{
			name: "one column, no separator", file: "f.csv", content: "a\n1\n",
			want: `f.csv:1: label column "label" not found in header ["a"]`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := readString(t, tc.file, tc.content, tc.opts)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error\n%v\nwant\n%s", err, tc.want)
			}
		})
	}
}

// gzipParts compresses head, flushes, then compresses tail: the first
// flushed bytes decompress to exactly head, so cutting the stream there
// loses everything after it.
func gzipParts(t *testing.T, head, tail string) (stream []byte, flushed int) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Flush(); err != nil {
		t.Fatal(err)
	}
	flushed = buf.Len()
	if _, err := zw.Write([]byte(tail)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), flushed
}

func TestLoadDamagedGzip(t *testing.T) {
	t.Parallel()
	const head, tail = "a,label\n1,x\n2,y\n3,", "x\n4,y\n"
	stream, flushed := gzipParts(t, head, tail)
	damaged := func(f func(b []byte) []byte) []byte { return f(slices.Clone(stream)) }
	tests := []struct {
		name    string
		content []byte
		want    string // the whole error, or its start when it ends in "..."
		wantIs  error
	}{
		{
			name:    "cut after a flush",
			content: stream[:flushed],
			want:    "f.csv.gz: gzip stream truncated after line 3: unexpected EOF",
			wantIs:  io.ErrUnexpectedEOF,
		},
		{
			name:    "cut in the trailer",
			content: stream[:len(stream)-3],
			want:    "f.csv.gz: gzip stream truncated after line 5: unexpected EOF",
			wantIs:  io.ErrUnexpectedEOF,
		},
		{
			name: "cut in the header row",
			content: func() []byte {
				s, n := gzipParts(t, "a,la", "bel\n1,x\n")
				return s[:n]
			}(),
			want:   "f.csv.gz: gzip stream truncated before the end of line 1: unexpected EOF",
			wantIs: io.ErrUnexpectedEOF,
		},
		{
			name: "bad checksum",
			content: damaged(func(b []byte) []byte {
				b[len(b)-8] ^= 0xff
				return b
			}),
			want:   "f.csv.gz: gzip stream corrupt after line 5: gzip: invalid checksum",
			wantIs: gzip.ErrChecksum,
		},
		{
			// A deflate block header with the reserved type 3.
			name:    "bad deflate block",
			content: append(slices.Clone(stream[:flushed]), 0x07, 0, 0, 0),
			want:    "f.csv.gz: gzip stream corrupt after line 3: flate: corrupt input before offset ...",
		},
		{
			name:    "trailing garbage",
			content: append(slices.Clone(stream), "garbage!!!"...),
			want:    "f.csv.gz: gzip stream corrupt after line 5: gzip: invalid header",
			wantIs:  gzip.ErrHeader,
		},
		{
			name:    "header cut",
			content: stream[:5],
			want:    "f.csv.gz: gzip header truncated: unexpected EOF",
			wantIs:  io.ErrUnexpectedEOF,
		},
		{
			name: "header with an unknown method",
			content: damaged(func(b []byte) []byte {
				b[2] = 9
				return b
			}),
			want:   "f.csv.gz: gzip header corrupt: gzip: invalid header",
			wantIs: gzip.ErrHeader,
		},
		{
			name:    "plain CSV",
			content: []byte(head + tail),
			want:    "f.csv.gz: name ends in .gz but the content is not gzip; if it is plain CSV, rename it without .gz",
		},
		{
			name:    "zip",
			content: []byte("PK\x03\x04\x14\x00\x00\x00"),
			want:    "f.csv.gz: name ends in .gz but the content is a zip archive, not gzip; decompress it, or recompress it with gzip",
		},
		{
			name:    "empty",
			content: nil,
			want:    "f.csv.gz: name ends in .gz but the file is empty",
		},
	}
	for _, tc := range tests {
		for _, drop := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/drop=%v", tc.name, drop), func(t *testing.T) {
				t.Parallel()
				tab, err := Read(context.Background(), bytes.NewReader(tc.content), "f.csv.gz", LoadOptions{DropMalformed: drop})
				if err == nil {
					t.Fatalf("no error; read %d rows", tab.Len())
				}
				if prefix, ok := strings.CutSuffix(tc.want, "..."); err.Error() != tc.want && !(ok && strings.HasPrefix(err.Error(), prefix)) {
					t.Errorf("error\n%v\nwant\n%s", err, tc.want)
				}
				if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
					t.Errorf("error %v does not wrap %v", err, tc.wantIs)
				}
			})
		}
	}
	// The undamaged stream reads whole, and Load names the file.
	tab, err := Read(context.Background(), bytes.NewReader(stream), "f.csv.gz", LoadOptions{})
	if err != nil || tab.Len() != 4 {
		t.Fatalf("intact stream: %v", err)
	}
	path := filepath.Join(t.TempDir(), "cut.csv.gz")
	if err := os.WriteFile(path, stream[:flushed], 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(context.Background(), path, LoadOptions{})
	if want := "load: " + path + ": gzip stream truncated after line 3: unexpected EOF"; err == nil || err.Error() != want {
		t.Errorf("Load error\n%v\nwant\n%s", err, want)
	}
}

// TestLoadShapes covers the shapes of file that could lose a row, invent a
// feature or panic: each either loads every row or fails naming the line.
func TestLoadShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, content string
		opts          LoadOptions
		features      []string
		labels        []string
		lines         []int
		dropped       int
		err           string // substring of the error; "" when it loads
	}{
		{
			name: "CRLF", content: "a,label\r\n1,x\r\n2,y\r\n",
			features: []string{"a"}, labels: []string{"x", "y"}, lines: []int{2, 3},
		},
		{
			name: "CRLF without a final newline", content: "a,label\r\n1,x\r\n2,y",
			features: []string{"a"}, labels: []string{"x", "y"}, lines: []int{2, 3},
		},
		{
			name: "blank lines", content: "a,label\n\n1,x\n\n\n2,y\n\n",
			features: []string{"a"}, labels: []string{"x", "y"}, lines: []int{3, 6},
		},
		{
			name: "quoted newline keeps line numbers", content: "a,label\n1,\"x\ny\"\n2,z\n",
			features: []string{"a"}, labels: []string{"x\ny", "z"}, lines: []int{2, 4},
		},
		{
			name: "white-space line", content: "a,label\n1,x\n  \n2,y\n",
			err: "f.csv:3: 1 fields, header has 2",
		},
		{
			name: "white-space line dropped", content: "a,label\n1,x\n  \n2,y\n", opts: LoadOptions{DropMalformed: true},
			features: []string{"a"}, labels: []string{"x", "y"}, lines: []int{2, 4}, dropped: 1,
		},
		{
			name: "more fields than the header", content: "a,label\n1,x\n2,y,3\n",
			err: "f.csv:3: 3 fields, header has 2",
		},
		{
			name: "more fields dropped", content: "a,label\n1,x\n2,y,3\n4,z\n", opts: LoadOptions{DropMalformed: true},
			features: []string{"a"}, labels: []string{"x", "z"}, lines: []int{2, 4}, dropped: 1,
		},
		{
			name: "header only with blank lines", content: "a,label\n\n\n",
			err: "header only",
		},
		{
			name: "duplicate names", content: "a,b,a,label\n1,2,3,x\n",
			err: `duplicate column name "a" (columns 1 and 3)`,
		},
		{
			name: "pandas index column", content: ",a,label\n0,5,x\n1,6,y\n",
			features: []string{"a"}, labels: []string{"x", "y"}, lines: []int{2, 3},
		},
		{
			name: "trailing separator", content: "a,label,\n5,x,\n6,y,\n",
			features: []string{"a"}, labels: []string{"x", "y"}, lines: []int{2, 3},
		},
		{
			name: "pandas index and trailing separator", content: ",a,label,\n0,5,x,\n1,6,y,\n",
			features: []string{"a"}, labels: []string{"x", "y"}, lines: []int{2, 3},
		},
		{
			name: "two unnamed columns, one selected by name", content: ",a,,label\n0,5,1,x\n", opts: LoadOptions{Features: []string{"", "a"}},
			err: `duplicate column name "" (columns 1 and 3)`,
		},
		{
			name: "unnamed column selected by name", content: " ,a,label\n0,5,x\n1,6,y\n", opts: LoadOptions{Features: []string{" ", "a"}},
			features: []string{" ", "a"}, labels: []string{"x", "y"}, lines: []int{2, 3},
		},
		{
			name: "only unnamed columns", content: ",label\n0,x\n",
			err: `no feature columns: the header has the label column "label", no text column "text" and 1 unnamed column; name the feature columns`,
		},
		{
			name: "separator that is not a character", content: "a,label\n1,x\n", opts: LoadOptions{Comma: -1},
			err: "load options: comma: -1 is not a Unicode character",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tab, err := readString(t, "f.csv", tc.content, tc.opts)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tab.Features, tc.features) || !slices.Equal(tab.Labels, tc.labels) || !slices.Equal(tab.Lines, tc.lines) || tab.Dropped != tc.dropped {
				t.Errorf("features %q labels %q lines %v dropped %d, want %q %q %v %d",
					tab.Features, tab.Labels, tab.Lines, tab.Dropped, tc.features, tc.labels, tc.lines, tc.dropped)
			}
		})
	}
}
