package text

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTokenize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		o    Options
		want []string
	}{
		{"sklearn pattern", "The movie was GREAT, great acting!! a I x 0/10 snake_case", Options{},
			[]string{"the", "movie", "was", "great", "great", "acting", "10", "snake_case"}},
		{"keep case", "The GREAT", Options{Case: "keep"}, []string{"The", "GREAT"}},
		// NFKC folds the ligature ﬁ, full-width letters and ² (U+00B2 → 2).
		{"nfkc", "ﬁne ＡＢＣ x²", Options{}, []string{"fine", "abc", "x2"}},
		{"no normalisation", "ﬁne x²", Options{Normalize: "none"}, []string{"ﬁne", "x²"}},
		// NFKC leaves ASCII text here; lowercasing and accent stripping
		// must then act as on ASCII input.
		{"nfkc to ascii, accents unicode", "ﬁne ＡＢＣ", Options{StripAccents: "unicode"}, []string{"fine", "abc"}},
		{"nfkc to ascii, accents ascii", "ＡＢＣ ﬁ1", Options{StripAccents: "ascii", Digits: "zero"}, []string{"abc", "fi0"}},
		{"accents unicode", "Café DÉJÀ straße", Options{StripAccents: "unicode"}, []string{"cafe", "deja", "straße"}},
		{"accents ascii", "Café straße 東京", Options{StripAccents: "ascii"}, []string{"cafe", "strae"}},
		{"punctuation split", "don't e-mail", Options{}, []string{"don", "mail"}},
		{"punctuation remove", "don't e-mail", Options{Punctuation: "remove"}, []string{"dont", "email"}},
		{"digits remove", "win 1000 now v2", Options{Digits: "remove"}, []string{"win", "now"}},
		{"digits zero", "call 555-1234 or 0800", Options{Digits: "zero"}, []string{"call", "000", "0000", "or", "0000"}},
		{"stop words", "The film is not at all what I expected", Options{StopWords: "english"},
			[]string{"film", "expected"}},
		{"snowball", "Running runners ran generously", Options{Stemmer: "snowball"},
			[]string{"run", "runner", "ran", "generous"}},
		{"porter", "Running runners ran generously", Options{Stemmer: "porter"},
			[]string{"run", "runner", "ran", "gener"}},
		{"stop then stem", "the others", Options{StopWords: "english", Stemmer: "snowball"}, []string{}},
		{"one-rune tokens", "a b cd", Options{MinTokenRunes: 1}, []string{"a", "b", "cd"}},
		{"greek and cjk", "ΣΟΦΙΑ 東京タワー", Options{}, []string{"σοφια", "東京タワー"}},
		{"invalid utf-8", "ab\xffcd \xc3", Options{}, []string{"ab", "cd"}},
		{"empty", "", Options{}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Tokenize(tc.doc, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Tokenize(%q) = %q, want %q", tc.doc, got, tc.want)
			}
		})
	}
}

func TestStopWordList(t *testing.T) {
	t.Parallel()
	// scikit-learn 1.2.1: len(ENGLISH_STOP_WORDS) == 318.
	if n := len(englishStopWords); n != 318 {
		t.Fatalf("%d stop words, want 318", n)
	}
	if !slices.IsSorted(englishStopWords[:]) {
		t.Fatal("stop word list not sorted")
	}
	for _, w := range []string{"a", "the", "yourselves", "amoungst", "bill"} {
		if !isStopWord(w) {
			t.Errorf("%q not a stop word", w)
		}
	}
	for _, w := range []string{"movie", "zzz", ""} {
		if isStopWord(w) {
			t.Errorf("%q is a stop word", w)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    Options
		want string // substring of the error; "" for valid
	}{
		{"defaults", Options{}, ""},
		{"proportions", Options{MinDF: 0.1, MaxDF: 0.9}, ""},
		{"counts", Options{MinDF: 2, MaxDF: 50}, ""},
		{"bad case", Options{Case: "upper"}, "case:"},
		{"bad stemmer", Options{Stemmer: "lancaster"}, "stemmer:"},
		{"bad norm", Options{Norm: "max"}, "norm:"},
		{"bad idf", Options{IDF: "bm25"}, "idf:"},
		{"bad normalize", Options{Normalize: "nfd"}, "normalize:"},
		{"bad accents", Options{StripAccents: "yes"}, "strip_accents:"},
		{"bad punctuation", Options{Punctuation: "keep"}, "punctuation:"},
		{"bad digits", Options{Digits: "drop"}, "digits:"},
		{"bad stop words", Options{StopWords: "french"}, "stop_words:"},
		{"negative ngram", Options{NGramMin: -1}, "ngram_min:"},
		{"ngram order", Options{NGramMin: 3, NGramMax: 2}, "ngram_max:"},
		{"ngram too long", Options{NGramMax: 9}, "ngram_max:"},
		{"negative min_df", Options{MinDF: -0.5}, "min_df:"},
		{"fractional min_df count", Options{MinDF: 2.5}, "min_df:"},
		{"fractional max_df count", Options{MaxDF: 3.5}, "max_df:"},
		{"negative max_df", Options{MaxDF: -1}, "max_df:"},
		{"negative max_features", Options{MaxFeatures: -1}, "max_features:"},
		{"negative token length", Options{MinTokenRunes: -2}, "min_token_runes:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.o.WithDefaults().Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
				t.Fatalf("err = %v, want prefix %q", err, tc.want)
			}
		})
	}
}

func TestFitErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		docs  []string
		o     Options
		want  string
		empty bool
	}{
		{"no documents", nil, Options{}, "no documents", true},
		{"all empty", []string{"", "  ", "!?"}, Options{}, "no terms remain", true},
		{"all stop words", []string{"the and of", "it is"}, Options{StopWords: "english"}, "no terms remain", true},
		{"df limits exclude all", []string{"aa bb", "cc dd"}, Options{MinDF: 2}, "no terms remain", true},
		{"df limits contradict", []string{"aa", "bb", "cc"}, Options{MinDF: 3, MaxDF: 2}, "text: fit: max_df 2 is below min_df 3", false},
		{"invalid options", []string{"aa"}, Options{Norm: "l3"}, "norm:", false},
		{"min_df above the documents", []string{"aa", "bb", "cc"}, Options{MinDF: 5}, "text: fit: min_df 5 is more than the 3 training documents", false},
		{"max_df proportion below min_df", []string{"aa", "bb", "cc", "dd"}, Options{MinDF: 3, MaxDF: 0.5}, "text: fit: max_df 0.5 (at most 2 of the 4 training documents) is below min_df 3", false},
		{"max_df below min_df proportion", []string{"aa", "bb", "cc", "dd"}, Options{MinDF: 0.6, MaxDF: 2}, "text: fit: max_df 2 is below min_df 0.6 (at least 3 of the 4 training documents)", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Fit(context.Background(), tc.docs, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if errors.Is(err, ErrEmptyVocabulary) != tc.empty {
				t.Fatalf("errors.Is(err, ErrEmptyVocabulary) = %v, want %v", !tc.empty, tc.empty)
			}
		})
	}
}

func TestFitCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Fit(ctx, []string{"aa bb"}, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestTransformUnknownAndEmpty(t *testing.T) {
	t.Parallel()
	v, err := Fit(context.Background(), []string{"red apple", "green apple"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	indptr, indices, values, err := v.Transform([]string{"", "blue pear", "APPLE apple"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(indptr, []int{0, 0, 0, 1}) {
		t.Fatalf("indptr = %v, want [0 0 0 1]", indptr)
	}
	// One known term: its l2-normalised weight is 1 (vocabulary apple, green, red).
	if !slices.Equal(indices, []int32{0}) || !slices.Equal(values, []float64{1}) {
		t.Fatalf("indices %v values %v, want [0] [1]", indices, values)
	}
	indptr, indices, values, err = v.Transform(nil)
	if err != nil || !slices.Equal(indptr, []int{0}) || len(indices) != 0 || len(values) != 0 {
		t.Fatalf("Transform(nil) = %v %v %v, %v", indptr, indices, values, err)
	}
}

func TestVectorizerJSONRoundTrip(t *testing.T) {
	t.Parallel()
	docs := []string{
		"The movie was GREAT, great acting!!",
		"Terrible plot; the acting was bad.",
		"Café crème — déjà vu, running runners",
		"bad, BAD, bad! 0/10",
	}
	for _, o := range []Options{
		{},
		{NGramMax: 2, StopWords: "english", Stemmer: "snowball", SublinearTF: true, MaxFeatures: 6},
		{IDF: "none", Norm: "l1", StripAccents: "unicode", Punctuation: "remove", Digits: "zero"},
	} {
		v, err := Fit(context.Background(), docs, o)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var back Vectorizer
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		p1, i1, v1, err := v.Transform(docs)
		if err != nil {
			t.Fatal(err)
		}
		p2, i2, v2, err := back.Transform(docs)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p1, p2) || !slices.Equal(i1, i2) || !slices.Equal(v1, v2) {
			t.Fatalf("options %+v: output differs after JSON round trip", o)
		}
		if len(v1) == 0 {
			t.Fatal("no values")
		}
	}
}

func TestVectorizerJSONRejectsBadInput(t *testing.T) {
	t.Parallel()
	good := `{"format":1,"options":` + mustJSON(t, Options{}.WithDefaults()) + `,"vocabulary":["aa","bb"],"idf":[1,2],"documents":2}`
	var v Vectorizer
	if err := json.Unmarshal([]byte(good), &v); err != nil {
		t.Fatalf("good input rejected: %v", err)
	}
	tests := []struct{ name, in, want string }{
		{"format", strings.Replace(good, `"format":1`, `"format":9`, 1), "format 9"},
		{"unsorted", strings.Replace(good, `["aa","bb"]`, `["bb","aa"]`, 1), "vocabulary[1]"},
		{"idf length", strings.Replace(good, `[1,2]`, `[1]`, 1), "idf: 1 values for 2 terms"},
		{"options", strings.Replace(good, `"norm":"l2"`, `"norm":"l9"`, 1), "norm:"},
		{"syntax", good[:20], "unexpected end of JSON input"},
		{"type", strings.Replace(good, `"documents":2`, `"documents":"2"`, 1), "decode vectorizer"},
	}
	for _, tc := range tests {
		var v Vectorizer
		err := json.Unmarshal([]byte(tc.in), &v)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// TestTransformNotFitted checks that Transform refuses, with an error, a
// Vectorizer whose fields were not validated by Fit or decoding: it used to
// return empty rows for an inconsistent one and to index out of range for a
// fitted one whose vocabulary was reassigned.
func TestTransformNotFitted(t *testing.T) {
	t.Parallel()
	fit := func(t *testing.T) *Vectorizer {
		t.Helper()
		v, err := Fit(context.Background(), []string{"red apple", "green apple"}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name      string
		build     func(t *testing.T) *Vectorizer
		checkErr  string // substring of Check's error; "" for ErrNotFitted
		transform bool   // Transform must succeed
	}{
		{name: "zero", build: func(*testing.T) *Vectorizer { return &Vectorizer{} }, checkErr: "format 0"},
		{name: "hand-built inconsistent", build: func(*testing.T) *Vectorizer {
			return &Vectorizer{Format: 1, Options: Options{}.WithDefaults(), Vocabulary: []string{"aa"}}
		}, checkErr: "idf: 0 values for 1 terms"},
		{name: "hand-built consistent", build: func(*testing.T) *Vectorizer {
			return &Vectorizer{Format: 1, Options: Options{}.WithDefaults(), Vocabulary: []string{"aa"}, IDF: []float64{1}}
		}},
		{name: "vocabulary reassigned", build: func(t *testing.T) *Vectorizer {
			v := fit(t) // vocabulary apple, green, red
			v.Vocabulary, v.IDF = v.Vocabulary[2:], v.IDF[2:]
			return v
		}},
		{name: "vocabulary replaced", build: func(t *testing.T) *Vectorizer {
			v := fit(t)
			v.Vocabulary = slices.Clone(v.Vocabulary)
			return v
		}},
		{name: "options changed", build: func(t *testing.T) *Vectorizer {
			v := fit(t)
			v.Options.Norm = "l1"
			return v
		}},
		{name: "decoding failed", build: func(t *testing.T) *Vectorizer {
			b, err := json.Marshal(fit(t))
			if err != nil {
				t.Fatal(err)
			}
			var v Vectorizer
			if err := json.Unmarshal(bytes.Replace(b, []byte(`"format":1`), []byte(`"format":2`), 1), &v); err == nil {
				t.Fatal("format 2 decoded")
			}
			return &v
		}, checkErr: "format 2"},
		{name: "fitted", build: fit, transform: true},
		{name: "copy of fitted", build: func(t *testing.T) *Vectorizer {
			v := *fit(t)
			return &v
		}, transform: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := tc.build(t)
			indptr, indices, values, err := v.Transform([]string{"red apple", "green"})
			err2 := v.Check()
			if tc.transform {
				if err != nil || err2 != nil {
					t.Fatalf("Transform err = %v, Check err = %v", err, err2)
				}
				if !slices.Equal(indptr, []int{0, 2, 3}) || !slices.Equal(indices, []int32{0, 2, 1}) {
					t.Fatalf("indptr %v indices %v", indptr, indices)
				}
				return
			}
			if !errors.Is(err, ErrNotFitted) || indptr != nil || indices != nil || values != nil {
				t.Fatalf("Transform = %v %v %v, %v; want no rows and ErrNotFitted", indptr, indices, values, err)
			}
			if tc.checkErr == "" && !errors.Is(err2, ErrNotFitted) ||
				tc.checkErr != "" && (err2 == nil || !strings.Contains(err2.Error(), tc.checkErr)) {
				t.Fatalf("Check = %v, want %q (ErrNotFitted when empty)", err2, tc.checkErr)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzTransform feeds arbitrary bytes (invalid UTF-8 included) through Fit,
// Transform and Tokenize under several option sets and checks the CSR
// invariants.
func FuzzTransform(f *testing.F) {
	for _, s := range []string{"", "The movie was GREAT!", "ab\xffcd\xc3", "ﬁ ＡＢＣ x² ½ ①", "Café déjà vu", "don't 0/10 σοφία 東京"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(255))
	}
	f.Fuzz(func(t *testing.T, doc string, bits uint8) {
		o := Options{
			Normalize:     []string{"nfkc", "none"}[bits&1],
			StripAccents:  []string{"none", "unicode", "ascii"}[int(bits>>1)%3],
			Punctuation:   []string{"split", "remove"}[bits>>3&1],
			Digits:        []string{"keep", "zero", "remove"}[int(bits>>4)%3],
			Stemmer:       []string{"none", "snowball", "porter"}[int(bits>>6)%3],
			NGramMax:      1 + int(bits>>7),
			MinTokenRunes: 1 + int(bits&1),
		}
		toks, err := Tokenize(doc, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range toks {
			if !utf8.ValidString(tok) || tok == "" {
				t.Fatalf("token %q", tok)
			}
		}
		docs := []string{doc, "aa bb " + doc, strings.ToUpper(doc)}
		v, err := Fit(context.Background(), docs, o)
		if errors.Is(err, ErrEmptyVocabulary) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		indptr, indices, values, err := v.Transform(docs)
		if err != nil {
			t.Fatal(err)
		}
		dense(t, indptr, indices, values, len(docs), len(v.Vocabulary))
		for _, x := range values {
			if x != x || x < 0 || x > 1+1e-12 {
				t.Fatalf("value %v outside [0, 1]", x)
			}
		}
	})
}

func TestTransformConcurrent(t *testing.T) {
	t.Parallel()
	docs := []string{"The movie was GREAT, great acting!!", "Terrible plot; the acting was bad.", "bad, BAD, bad! 0/10"}
	v, err := Fit(context.Background(), docs, Options{NGramMax: 2, Stemmer: "snowball"})
	if err != nil {
		t.Fatal(err)
	}
	p0, i0, v0, err := v.Transform(docs)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	for range 4 {
		go func() {
			p, i, x, err := v.Transform(docs)
			done <- err == nil && slices.Equal(p, p0) && slices.Equal(i, i0) && slices.Equal(x, v0)
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("concurrent Transform gave a different result")
		}
	}
}
