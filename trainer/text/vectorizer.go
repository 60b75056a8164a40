// Package text owns sweep's text features: Unicode normalisation, case
// folding, accent stripping, tokenisation like scikit-learn's default token
// pattern (?u)\b\w\w+\b, English stop words, stemming (Snowball English,
// i.e. Porter2, and Porter's original algorithm), word n-grams, vocabulary
// selection (min_df, max_df, max_features) and TF-IDF weighting. Configured
// alike, Fit and Transform reproduce scikit-learn's TfidfVectorizer: the same
// vocabulary and values.
package text

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// ErrEmptyVocabulary is returned by Fit when no term survives tokenisation,
// stop words and the document-frequency limits.
var ErrEmptyVocabulary = errors.New("text: empty vocabulary")

// ErrNotFitted is returned by Transform and Check for a Vectorizer that was
// not made by Fit, FitTransform or decoding from JSON, or whose fields were
// reassigned since.
var ErrNotFitted = errors.New("text: vectorizer not fitted or decoded, or its fields were reassigned since")

// formatVersion identifies the JSON layout of a Vectorizer.
const formatVersion = 1

// Vectorizer is a fitted TF-IDF model, made by Fit, FitTransform or decoding
// from JSON; the exported fields describe it and must not be modified. It is
// safe for concurrent Transform calls and round-trips through encoding/json.
type Vectorizer struct {
	// Format is the layout version of the serialised form (currently 1).
	Format int `json:"format"`
	// Options are the options it was fitted with, defaults filled in.
	Options Options `json:"options"`
	// Vocabulary lists the terms in column order, sorted by their UTF-8
	// bytes (Unicode code point order, as Python sorts strings).
	Vocabulary []string `json:"vocabulary"`
	// IDF holds each column's inverse document frequency; nil when
	// Options.IDF is "none".
	IDF []float64 `json:"idf"`
	// Documents is the number of documents it was fitted on.
	Documents int `json:"documents"`

	// valid is set by Fit and UnmarshalJSON, which validate the fields
	// once; read-only afterwards.
	valid *validated
}

// validated is a Vectorizer's state as Fit built it or UnmarshalJSON checked
// it, with the index that maps a term to its column. Transform compares it
// with the exported fields in constant time instead of checking them again:
// a reassigned vocabulary or idf slice would no longer match the index.
type validated struct {
	index   *strTable
	format  int
	options Options
	vocab   []string
	idf     []float64
}

// newValidated records v's current fields as valid; the caller has checked
// them.
func newValidated(v *Vectorizer) *validated {
	return &validated{index: buildIndex(v.Vocabulary), format: v.Format, options: v.Options, vocab: v.Vocabulary, idf: v.IDF}
}

// index returns the term index of v, or ErrNotFitted when v's fields are
// not those Fit or UnmarshalJSON validated.
func (v *Vectorizer) index() (*strTable, error) {
	s := v.valid
	if s == nil || v.Format != s.format || v.Options != s.options ||
		!sameSlice(v.Vocabulary, s.vocab) || !sameSlice(v.IDF, s.idf) {
		return nil, ErrNotFitted
	}
	return s.index, nil
}

// sameSlice reports whether a and b view the same elements.
func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// Fit learns the vocabulary and inverse document frequencies of docs under
// opts (defaults filled in). It returns an error for invalid options, when
// the document-frequency limits contradict each other, when no term remains
// (ErrEmptyVocabulary), or when ctx ends.
func Fit(ctx context.Context, docs []string, opts Options) (*Vectorizer, error) {
	v, _, err := fit(ctx, docs, opts, false)
	return v, err
}

// FitTransform is Fit followed by Transform of the same documents, with the
// same results, but tokenises the documents once.
func FitTransform(ctx context.Context, docs []string, opts Options) (v *Vectorizer, indptr []int, indices []int32, values []float64, err error) {
	v, f, err := fit(ctx, docs, opts, true)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	w := newRowWriter(v, len(docs))
	for d := range docs {
		w.add(f.terms[f.offsets[d]:f.offsets[d+1]], f.colOf)
	}
	return v, w.indptr, w.indices, w.values, nil
}

// fitted keeps what FitTransform needs from fit: every document's term ids
// (document d's are terms[offsets[d]:offsets[d+1]]) and each term id's column
// (-1 when outside the vocabulary).
type fitted struct {
	terms   []int32
	offsets []int
	colOf   []int32
}

// fit learns the vocabulary; with keepTerms it also returns the term ids of every
// document.
func fit(ctx context.Context, docs []string, opts Options, keepTerms bool) (*Vectorizer, *fitted, error) {
	o := opts.WithDefaults()
	if err := o.Validate(); err != nil {
		return nil, nil, fmt.Errorf("text: options: %w", err)
	}
	if len(docs) == 0 {
		return nil, nil, fmt.Errorf("text: fit: no documents: %w", ErrEmptyVocabulary)
	}
	lo, hi := o.dfBounds(len(docs))
	if hi < lo {
		return nil, nil, fmt.Errorf("text: fit: %w", &DFRangeError{MinDF: o.MinDF, MaxDF: o.MaxDF, Docs: len(docs)})
	}
	in := newInterner(o, nil)
	var f *fitted
	if keepTerms {
		f = &fitted{offsets: make([]int, 1, len(docs)+1)}
	}
	var (
		df, total []int
		last      []int32
		terms     []int32
		uni       []int32
	)
	for d, doc := range docs {
		if d%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, fmt.Errorf("text: fit: %w", err)
			}
		}
		terms, uni = in.terms(doc, terms[:0], uni)
		if f != nil {
			f.terms = append(f.terms, terms...)
			f.offsets = append(f.offsets, len(f.terms))
		}
		for _, id := range terms {
			for int(id) >= len(df) {
				df = append(df, 0)
				total = append(total, 0)
				last = append(last, -1)
			}
			total[id]++
			if last[id] != int32(d) {
				last[id] = int32(d)
				df[id]++
			}
		}
	}
	// Candidate terms: seen as a feature (df > 0) within the df limits.
	var kept []int32
	for id, n := range df {
		if n > 0 && float64(n) >= lo && float64(n) <= hi {
			kept = append(kept, int32(id))
		}
	}
	if len(kept) == 0 {
		return nil, nil, fmt.Errorf("text: fit: no terms remain after tokenising %d documents (min_df %v, max_df %v, stop_words %q): %w",
			len(docs), o.MinDF, o.MaxDF, o.StopWords, ErrEmptyVocabulary)
	}
	keep := kept
	byText := func(a, b int32) int { return strings.Compare(in.texts[a], in.texts[b]) }
	if o.MaxFeatures > 0 && len(keep) > o.MaxFeatures {
		slices.SortFunc(keep, byText)
		// Most frequent first. Ties follow NumPy's unstable argsort over the
		// sorted vocabulary, as scikit-learn's (see argsort.go).
		neg := make([]int64, len(keep))
		for i, id := range keep {
			neg[i] = -int64(total[id])
		}
		order := numpyArgsort(neg)[:o.MaxFeatures]
		top := make([]int32, len(order))
		for i, k := range order {
			top[i] = keep[k]
		}
		keep = top
	}
	slices.SortFunc(keep, byText)

	v := &Vectorizer{
		Format:     formatVersion,
		Options:    o,
		Vocabulary: make([]string, len(keep)),
		Documents:  len(docs),
	}
	if o.IDF != "none" {
		v.IDF = make([]float64, len(keep))
	}
	n := float64(len(docs))
	for c, id := range keep {
		v.Vocabulary[c] = in.texts[id]
		if v.IDF != nil {
			v.IDF[c] = idf(o.IDF, n, float64(df[id]))
		}
	}
	v.valid = newValidated(v)
	if f != nil {
		f.colOf = make([]int32, len(in.texts))
		for i := range f.colOf {
			f.colOf[i] = -1
		}
		for c, id := range keep {
			f.colOf[id] = int32(c)
		}
	}
	return v, f, nil
}

// idf is scikit-learn's inverse document frequency.
func idf(kind string, n, df float64) float64 {
	if kind == "smooth" {
		n, df = n+1, df+1
	}
	return math.Log(n/df) + 1
}

// buildIndex maps each term of a vocabulary without duplicates to its column.
func buildIndex(vocab []string) *strTable {
	tab := newStrTableSize(len(vocab))
	for i, t := range vocab {
		tab.put(unsafeBytes(t), int32(i))
	}
	return tab
}

// Columns returns the number of features, len(v.Vocabulary).
func (v *Vectorizer) Columns() int { return len(v.Vocabulary) }

// Transform returns the TF-IDF matrix of docs in CSR form: row i's columns are
// indices[indptr[i]:indptr[i+1]], strictly increasing, with values at the same
// positions. Terms outside the vocabulary are ignored; a document without
// known terms is an empty row. It returns ErrNotFitted, and no rows, for a
// Vectorizer built by hand or whose fields were reassigned after Fit or
// decoding.
func (v *Vectorizer) Transform(docs []string) (indptr []int, indices []int32, values []float64, err error) {
	index, err := v.index()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("text: transform: %w", err)
	}
	in := newInterner(v.Options, index)
	w := newRowWriter(v, len(docs))
	var terms, uni []int32
	for _, doc := range docs {
		terms, uni = in.terms(doc, terms[:0], uni)
		w.add(terms, in.col)
	}
	return w.indptr, w.indices, w.values, nil
}

// rowWriter builds CSR rows from the term ids of documents.
type rowWriter struct {
	v       *Vectorizer
	counts  []int32 // per-column count in the current row, zero between rows
	cols    []int32 // columns touched by the current row
	indptr  []int
	indices []int32
	values  []float64
}

func newRowWriter(v *Vectorizer, rows int) *rowWriter {
	return &rowWriter{v: v, counts: make([]int32, len(v.Vocabulary)), indptr: make([]int, 1, rows+1)}
}

// add appends the row of a document with the given term ids; colOf maps a
// term id to its column or -1.
func (w *rowWriter) add(terms, colOf []int32) {
	w.cols = w.cols[:0]
	for _, id := range terms {
		if c := colOf[id]; c >= 0 {
			if w.counts[c] == 0 {
				w.cols = append(w.cols, c)
			}
			w.counts[c]++
		}
	}
	slices.Sort(w.cols)
	if n := len(w.values) + len(w.cols); n > cap(w.values) {
		// Double rather than let append grow large slices by 1.25x: fewer
		// copies and about half the garbage on a corpus-sized matrix.
		c := max(2*cap(w.values), n, 1024)
		w.values = append(make([]float64, 0, c), w.values...)
		w.indices = append(make([]int32, 0, c), w.indices...)
	}
	start := len(w.values)
	o := &w.v.Options
	for _, c := range w.cols {
		tf := float64(w.counts[c])
		w.counts[c] = 0
		if o.SublinearTF {
			tf = 1 + math.Log(tf)
		}
		if w.v.IDF != nil {
			tf *= w.v.IDF[c]
		}
		w.indices = append(w.indices, c)
		w.values = append(w.values, tf)
	}
	normalize(w.values[start:], o.Norm)
	w.indptr = append(w.indptr, len(w.values))
}

// normalize scales row to unit l2 or l1 norm; an all-zero row stays zero.
func normalize(row []float64, kind string) {
	var s float64
	switch kind {
	case "l2":
		for _, x := range row {
			s += x * x
		}
		s = math.Sqrt(s)
	case "l1":
		for _, x := range row {
			s += math.Abs(x)
		}
	default:
		return
	}
	if s == 0 {
		return
	}
	for i := range row {
		row[i] /= s
	}
}

// Check reports whether Transform can use v: a known format, valid options,
// a strictly sorted vocabulary and one finite IDF per term (none when
// Options.IDF is "none"), in a Vectorizer made by Fit, FitTransform or
// decoding whose fields were not reassigned since (ErrNotFitted otherwise).
func (v *Vectorizer) Check() error {
	if err := v.checkFields(); err != nil {
		return err
	}
	_, err := v.index()
	return err
}

// checkFields is Check without the test that v was fitted or decoded.
func (v *Vectorizer) checkFields() error {
	if v.Format != formatVersion {
		return fmt.Errorf("text: vectorizer format %d, want %d", v.Format, formatVersion)
	}
	if err := v.Options.Validate(); err != nil {
		return fmt.Errorf("text: vectorizer options: %w", err)
	}
	if len(v.Vocabulary) == 0 {
		return fmt.Errorf("text: vectorizer vocabulary: %w", ErrEmptyVocabulary)
	}
	for i := 1; i < len(v.Vocabulary); i++ {
		if v.Vocabulary[i-1] >= v.Vocabulary[i] {
			return fmt.Errorf("text: vectorizer vocabulary[%d] %q not after %q", i, v.Vocabulary[i], v.Vocabulary[i-1])
		}
	}
	want := len(v.Vocabulary)
	if v.Options.IDF == "none" {
		want = 0
	}
	if len(v.IDF) != want {
		return fmt.Errorf("text: vectorizer idf: %d values for %d terms", len(v.IDF), want)
	}
	for i, x := range v.IDF {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("text: vectorizer idf[%d] = %v", i, x)
		}
	}
	return nil
}

// UnmarshalJSON decodes a Vectorizer saved with encoding/json and checks it.
// When the decoded fields fail the check, v holds them but Transform refuses
// it.
func (v *Vectorizer) UnmarshalJSON(b []byte) error {
	type plain Vectorizer // no methods: avoids recursion
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("text: decode vectorizer: %w", err)
	}
	*v = Vectorizer(p)
	if err := v.checkFields(); err != nil {
		return fmt.Errorf("text: decode vectorizer: %w", err)
	}
	v.valid = newValidated(v)
	return nil
}
