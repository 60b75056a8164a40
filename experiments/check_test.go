package experiments

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheck: problems that would fail every trial using a configuration are
// found before training and reported once, on the spec line that causes
// them.
func TestCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var numeric, oneClass, tiny, text strings.Builder
	numeric.WriteString("a,b,label\n")
	oneClass.WriteString("a,b,label\n")
	tiny.WriteString("a,b,label\n")
	text.WriteString("text,label\n")
	words := []string{"alpha beta", "gamma delta", "beta gamma", "delta alpha"}
	for i := range 40 {
		row := string(rune('0'+i%10)) + "," + string(rune('0'+(i*7)%10))
		numeric.WriteString(row + ",c" + string(rune('0'+i%2)) + "\n")
		oneClass.WriteString(row + ",only\n")
		tiny.WriteString(row + ",big\n")
		text.WriteString(words[i%4] + " word" + string(rune('a'+i%3)) + ",c" + string(rune('0'+i%2)) + "\n")
	}
	tiny.WriteString("1,2,rare\n1,3,rare\n")
	write("numeric.csv", numeric.String())
	write("one.csv", oneClass.String())
	write("tiny.csv", tiny.String())
	write("text.csv", text.String())

	tests := []struct {
		name, spec string
		line       int
		want       string // "" for no error
	}{
		{"fine", "data: {path: numeric.csv}\nsearch:\n  space:\n    sampling: {values: [none, smote, oversample]}\n    scale: {values: [standard, minmax]}\n", 0, ""},
		{"one class", "data: {path: one.csv}\n", 1, "data: "},
		{"class too small to split", "data: {path: tiny.csv}\n", 1, `"rare"`},
		{"min_df above every term", "data:\n  path: text.csv\n  text: text\n  text_options: {min_df: 1000}\n", 4, "data.text_options.min_df: min_df 1000 is more than the 26 training documents"},
		{"min_df on its own line", "data:\n  path: text.csv\n  text: text\n  text_options:\n    stemmer: porter\n    min_df: 0.99\n", 6, "data.text_options.min_df: "},
		// With about 26 training documents, max_df 0.01 admits a term
		// in at most 0.26 of them: none.
		{"max_df below every term", "data:\n  path: text.csv\n  text: text\n  text_options:\n    max_df: 0.01\n", 5, "data.text_options.max_df: "},
		{"min_df from the space", "data:\n  path: text.csv\n  text: text\nsearch:\n  space:\n    min_df: {values: [1000, 1]}\n", 6, "search.space.min_df: value 1000: min_df 1000 is more than the 26 training documents"},
		{"max_df from the space", "data:\n  path: text.csv\n  text: text\nsearch:\n  space:\n    max_df: {values: [1.0, 2]}\n    min_df: {values: [5]}\n", 6, "search.space.max_df: value 2: max_df 2 is below min_df 5"},
		{"smote on text from the space", "data:\n  path: text.csv\n  text: text\nsearch:\n  space:\n    sampling: {values: [none, smote]}\n", 6, "search.space.sampling: value smote: "},
		{"text option on numeric data", "data:\n  path: numeric.csv\n  scale: minmax\n  text_options:\n    norm: l1\n    min_df: 5\n", 5, "data.text_options.norm: applies to text data, but " + filepath.Join(dir, "numeric.csv") + ` has no text column "text"`},
		{"smote k without smote", "data:\n  path: numeric.csv\n  sampling: {strategy: oversample, k: 3}\n", 3, `data.sampling.k: applies to sampling strategy smote only, but data.sampling.strategy is "oversample"`},
		{"smote k with no sampling", "data:\n  path: numeric.csv\n  sampling: {k: 3}\n", 3, `data.sampling.k: applies to sampling strategy smote only, but data.sampling.strategy is "none"`},
		{"smote_k space without smote", "data: {path: numeric.csv}\nsearch:\n  space:\n    sampling: {values: [none, oversample]}\n    smote_k: {min: 2, max: 4}\n", 5, "search.space.smote_k: applies to sampling strategy smote only, but no value of search.space.sampling is smote"},
		{"smote k with smote in the space", "data:\n  path: numeric.csv\n  sampling: {k: 3}\nsearch:\n  space:\n    sampling: {values: [none, smote]}\n", 0, ""},
		{"smote_k with smote", "data:\n  path: numeric.csv\n  sampling: smote\nsearch:\n  space:\n    smote_k: {min: 2, max: 4}\n", 0, ""},
		{"unknown class in targets", "data:\n  path: numeric.csv\n  sampling:\n    strategy: oversample\n    targets: {nope: 50}\n", 5, "data.sampling.targets.nope: no such class"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".yaml")
			s, err := Parse(path, dir, []byte(tc.spec))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tab, err := LoadData(context.Background(), s)
			if err != nil {
				t.Fatalf("LoadData: %v", err)
			}
			err = NewObjective(s, tab).Check(context.Background())
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Check error = %v, want a *FieldError", err)
			}
			t.Log(err)
			if fe.Line != tc.line || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check error = %v (line %d), want line %d containing %q", err, fe.Line, tc.line, tc.want)
			}
		})
	}
}

// TestLoadDataHints: the loader's hints name the spec's fields.
func TestLoadDataHints(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		"semicolon.csv": "a;b;label\n1;2;x\n3;4;y\n",
		"ragged.csv":    "a,b,label\n1,2,x\n3,4\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, spec string
		line       int
		want       string
	}{
		{"separator", "data:\n  path: semicolon.csv\n  label: label\n", 3, `data.label: ` + filepath.Join(dir, "semicolon.csv") + `:1: label column "label" not found in header ["a;b;label"]: header has one column "a;b;label": is the file separated by ';'? set data.comma: ";"`},
		{"malformed row", "data:\n  path: ragged.csv\n", 2, "(set data.drop_malformed: true to drop such rows)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(filepath.Join(dir, "spec.yaml"), dir, []byte(tc.spec))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			_, err = LoadData(context.Background(), s)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Line != tc.line || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadData error = %v, want a *FieldError on line %d containing %q", err, tc.line, tc.want)
			}
		})
	}
}
