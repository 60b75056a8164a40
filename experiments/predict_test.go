package experiments

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sweep-ml/sweep/search"
)

// TestPredictLabels checks what Predict does with the optional label
// column: a label the model never saw neither stops the prediction nor
// counts in the accuracy, nor does an empty label cell; a malformed row is an error that names its line
// and does not suggest drop_malformed, which predict cannot set.
func TestPredictLabels(t *testing.T) {
	t.Parallel()
	study, trials := runStudy(t, "quickstart.yaml", search.Config{Parallel: 1, MaxTrials: 1})
	rep, err := ReproduceTrial(context.Background(), study, trials[0], ReproduceOptions{})
	if err != nil || !rep.Match() {
		t.Fatalf("reproduce: %v %v", err, rep)
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mixed := write("mixed.csv", "text,label\n"+
		"\"Congratulations! You have been selected for a FREE cruise. Click here to claim your prize\",spam\n"+
		"\"Dear customer, verify your password at this link\",phishing\n"+
		"\"Re: the patch below fixes the linker flags on the build machine\",easy_ham\n"+
		"\"Lowest mortgage rates, no credit check\",scam\n"+
		"\"Minutes of Tuesday's meeting attached\",\n")
	var out strings.Builder
	sum, err := Predict(context.Background(), rep, mixed, &out)
	if err != nil {
		t.Fatalf("predict with unknown labels: %v", err)
	}
	if sum.Rows != 5 || !sum.Labelled || sum.Scored != 2 || sum.UnknownLabels != 2 || !slices.Equal(sum.UnknownLines, []int{3, 5}) {
		t.Errorf("summary = %+v, want 5 rows, 2 scored, 2 unknown labels on lines 3 and 5, line 6 unlabelled", sum)
	}
	if sum.Accuracy < 0 || sum.Accuracy > 1 {
		t.Errorf("accuracy = %v, want a fraction of the 2 scored rows", sum.Accuracy)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "line,label,predicted,") || !strings.HasPrefix(lines[2], "3,phishing,") || !strings.HasPrefix(lines[4], "5,scam,") || !strings.HasPrefix(lines[5], "6,,") {
		t.Errorf("output:\n%s\nwant every row, unknown labels as written", out.String())
	}

	malformed := write("malformed.csv", "text,label\n\"hello\",spam\n\"one field too many\",spam,extra\n")
	_, err = Predict(context.Background(), rep, malformed, &strings.Builder{})
	if err == nil || strings.Contains(err.Error(), "drop_malformed") || !strings.Contains(err.Error(), "malformed.csv:3: 3 fields, header has 2") || !strings.Contains(err.Error(), "fix or remove the row") {
		t.Errorf("malformed row: error %v, want it to name line 3 and not suggest drop_malformed", err)
	}

	semicolons := write("semicolons.csv", "text;label\nhello world;spam\n")
	_, err = Predict(context.Background(), rep, semicolons, &strings.Builder{})
	if err == nil || !strings.HasSuffix(err.Error(), `is the file separated by ';'? save it separated by "," (a tab for .tsv files) as the training data was, not ";"`) {
		t.Errorf("file separated by ';': error %v, want advice predict can follow", err)
	}
}
