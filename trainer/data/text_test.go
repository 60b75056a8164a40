package data

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sweep-ml/sweep/trainer/text"
)

func TestPrepareSpamText(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tab, err := Load(ctx, "../../experiments/data/spam.csv.gz", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Fit(ctx, tab, Config{Text: TextOptions{StopWords: "english", MinDF: 2}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Classes, []string{"easy_ham", "hard_ham", "spam"}) {
		t.Errorf("classes %q", f.Classes)
	}
	// easy_ham 1500, hard_ham 250, spam 1895: test 300+50+379, validation
	// round(0.2·1200)=240 + 40 + round(0.2·1516)=303, the rest train.
	if got := ClassCounts(f.Test.Y, 3); !slices.Equal(got, []int{300, 50, 379}) {
		t.Errorf("test counts %v", got)
	}
	if got := ClassCounts(f.Val.Y, 3); !slices.Equal(got, []int{240, 40, 303}) {
		t.Errorf("validation counts %v", got)
	}
	v := f.Pipeline.Vectorizer
	if !f.Train.X.IsSparse() || f.Train.X.Cols != len(v.Vocabulary) || f.Test.X.Cols != len(v.Vocabulary) || f.Train.X.Rows != 2333 {
		t.Fatalf("train %d×%d sparse=%v, vocabulary %d", f.Train.X.Rows, f.Train.X.Cols, f.Train.X.IsSparse(), len(v.Vocabulary))
	}
	if !slices.ContainsFunc(f.Notes, func(s string) bool { return strings.Contains(s, "not applied") }) {
		t.Errorf("notes %q: want one saying scaling is not applied", f.Notes)
	}
	b, err := json.Marshal(f.Pipeline)
	if err != nil {
		t.Fatal(err)
	}
	p, err := DecodePipeline(b)
	if err != nil {
		t.Fatal(err)
	}
	if p.Fingerprint() != f.Pipeline.Fingerprint() {
		t.Error("fingerprint changed in a JSON round trip")
	}
	all, err := p.Transform(tab)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(all.X.SelectRows(f.TestRows), f.Test.X) {
		t.Error("reloaded pipeline transforms the test rows differently")
	}
	if !reflect.DeepEqual(all.X.SelectRows(f.TrainRows), f.Train.X) {
		t.Error("reloaded pipeline transforms the training rows differently")
	}

	if _, err := f.Resample(Sampling{Strategy: SampleSMOTE}, 1); err == nil || !strings.Contains(err.Error(), "dense") {
		t.Errorf("smote on text: %v", err)
	}
	over, err := f.Resample(Sampling{Strategy: SampleOversample}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := ClassCounts(over.Train.Y, 3); !slices.Equal(got, []int{1213, 1213, 1213}) {
		t.Errorf("oversampled counts %v", got)
	}
	cw, err := f.Resample(Sampling{Strategy: SampleClassWeight}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(cw.ClassWeights) != 3 || !(cw.ClassWeights[1] > cw.ClassWeights[0]) {
		t.Errorf("class weights %v", cw.ClassWeights)
	}
}

func TestTextPredictWithoutLabel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	train := "text,label\ncheap pills now,spam\nmeeting at noon,ham\nbuy cheap pills,spam\nlunch meeting today,ham\n" +
		"pills pills cheap,spam\nnoon lunch,ham\nwin cheap prize,spam\nproject meeting,ham\ncheap cheap win,spam\nnotes from meeting,ham\n"
	tab, err := Read(ctx, strings.NewReader(train), "train.csv", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Fit(ctx, tab, Config{Split: SplitConfig{Test: 0.2, Validation: 0.25}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := Read(ctx, strings.NewReader("id,text\n1,cheap pills\n2,\n"), "new.csv", LoadOptions{LabelOptional: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Pipeline.Transform(pt)
	if err != nil {
		t.Fatal(err)
	}
	if s.Y != nil || s.X.Rows != 2 || !s.X.IsSparse() || s.X.Indptr[2] != s.X.Indptr[1] {
		t.Errorf("prediction set %+v: want 2 rows, Y nil, row 2 empty", s)
	}
	num, err := Read(ctx, strings.NewReader("a,label\n1,spam\n"), "num.csv", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Pipeline.Transform(num); err == nil || !strings.Contains(err.Error(), `needs text column "text"`) {
		t.Errorf("numeric table into text pipeline: %v", err)
	}
	// A vectorizer altered after fitting is an error, not empty rows.
	altered := *f.Pipeline
	v := *altered.Vectorizer
	v.Vocabulary = v.Vocabulary[1:]
	v.IDF = v.IDF[1:]
	altered.Vectorizer = &v
	if _, err := altered.Transform(pt); !errors.Is(err, text.ErrNotFitted) {
		t.Errorf("altered vectorizer: err = %v, want text.ErrNotFitted", err)
	}
	if err := altered.Validate(); !errors.Is(err, text.ErrNotFitted) {
		t.Errorf("altered vectorizer: Validate = %v, want text.ErrNotFitted", err)
	}
	if err := (Config{Text: TextOptions{NGramMin: 2, NGramMax: 1}}).WithDefaults().Validate(); err == nil || !strings.HasPrefix(err.Error(), "text.ngram_max:") {
		t.Errorf("text option error %v, want prefix text.ngram_max:", err)
	}
}
