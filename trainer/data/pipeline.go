package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
)

// PipelineVersion is the version of the serialised Pipeline format.
const PipelineVersion = 1

// Pipeline is everything fitted on the training rows that new data must go
// through the same way: the label map, imputer and scaler statistics (numeric
// data) or the TF-IDF vectorizer (text data), and the options used. It
// round-trips through JSON exactly (encoding/json writes the shortest float
// that parses back to the same bits).
type Pipeline struct {
	Version int `json:"version"`
	// Label is the label column name; Classes the class names, sorted:
	// class index i is Classes[i].
	Label   string   `json:"label"`
	Classes []string `json:"classes"`
	// Features names the numeric feature columns, in matrix column order.
	Features []string `json:"features,omitempty"`
	// TextColumn names the text column (text data only).
	TextColumn string          `json:"text_column,omitempty"`
	Imputer    *Imputer        `json:"imputer,omitempty"`
	Scaler     *Scaler         `json:"scaler,omitempty"`
	Vectorizer *TextVectorizer `json:"vectorizer,omitempty"`
	// Config is the configuration the pipeline was fitted with; its
	// Sampling is left zero because resampling is not part of the fitted
	// transformation.
	Config Config `json:"config"`
	// Load is how the training file was read, DataFingerprint its
	// Table.Fingerprint and SplitSeed the seed of the train/validation/test
	// split (zero when the caller chose the rows).
	Load            LoadOptions `json:"load"`
	DataFingerprint string      `json:"data_fingerprint"`
	SplitSeed       uint64      `json:"split_seed"`
}

// Fingerprint returns the hex SHA-256 of the pipeline's JSON encoding, which
// identifies the fitted preprocessing (two equal pipelines share it).
func (p *Pipeline) Fingerprint() string {
	b, err := json.Marshal(p)
	if err != nil {
		// Only a NaN or infinite statistic could make this fail, and
		// fitting never produces one; make the fingerprint say so
		// rather than collide.
		return "invalid: " + err.Error()
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// DecodePipeline reads a Pipeline written with json.Marshal and checks it is
// complete and of a known version.
func DecodePipeline(b []byte) (*Pipeline, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p Pipeline
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("decode pipeline: %w", err)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("decode pipeline: %w", err)
	}
	return &p, nil
}

// Validate reports a pipeline that cannot transform data, naming the field.
func (p *Pipeline) Validate() error {
	if p.Version != PipelineVersion {
		return fmt.Errorf("version: %d, this build reads version %d", p.Version, PipelineVersion)
	}
	if len(p.Classes) < 2 {
		return fmt.Errorf("classes: %d, need at least 2", len(p.Classes))
	}
	for i := 1; i < len(p.Classes); i++ {
		if p.Classes[i-1] >= p.Classes[i] {
			return fmt.Errorf("classes[%d]: %q not sorted after %q", i, p.Classes[i], p.Classes[i-1])
		}
	}
	if p.TextColumn != "" {
		if p.Vectorizer == nil {
			return errors.New("vectorizer: missing for a text pipeline")
		}
		if err := p.Vectorizer.Check(); err != nil {
			return fmt.Errorf("vectorizer: %w", err)
		}
		return nil
	}
	d := len(p.Features)
	if d == 0 {
		return errors.New("features: empty and no text column")
	}
	if p.Imputer == nil || p.Scaler == nil {
		return errors.New("imputer, scaler: missing for a numeric pipeline")
	}
	if p.Imputer.Strategy != ImputeDrop && len(p.Imputer.Values) != d {
		return fmt.Errorf("imputer.values: %d for %d features", len(p.Imputer.Values), d)
	}
	if p.Scaler.Method != ScaleNone {
		if len(p.Scaler.Offset) != d || len(p.Scaler.Scale) != d {
			return fmt.Errorf("scaler: %d offsets and %d scales for %d features", len(p.Scaler.Offset), len(p.Scaler.Scale), d)
		}
		for j, s := range p.Scaler.Scale {
			if !(s > 0) || math.IsInf(s, 0) {
				return fmt.Errorf("scaler.scale[%d]: %v, need a positive finite value", j, s)
			}
		}
	}
	return nil
}

// PredictOptions returns loading options for new data to transform with p:
// those of the training file, with the label column optional and only the
// pipeline's feature (or text) columns read, so that extra columns in a
// prediction file are ignored rather than parsed. A comma or tab separator
// is chosen again from the new file's name (training on a .tsv file and
// predicting on a .csv one works); any other separator, such as ';', was
// set on purpose and is kept.
func (p *Pipeline) PredictOptions() LoadOptions {
	o := p.Load
	o.LabelOptional = true
	if o.Comma == ',' || o.Comma == '\t' {
		o.Comma = 0
	}
	if p.TextColumn != "" {
		o.Text, o.Features, o.TextRequired = p.TextColumn, nil, true
	} else {
		o.Features, o.FeaturesFitted = slices.Clone(p.Features), true
	}
	return o
}

// Transform applies the fitted pipeline to t, which must have the feature
// (or text) columns the pipeline was fitted on, found by name. When t has
// labels they are encoded with the fitted label map (a label not seen in
// training is an error naming its line); when t has no label column the
// returned Set's Y is nil.
func (p *Pipeline) Transform(t *Table) (Set, error) {
	var s Set
	if p.TextColumn != "" {
		if !t.IsText() {
			return Set{}, fmt.Errorf("transform %s: pipeline needs text column %q, the table has numeric features", t.Name, p.TextColumn)
		}
		x, err := transformText(p.Vectorizer, t.Docs)
		if err != nil {
			return Set{}, fmt.Errorf("transform %s: %w", t.Name, err)
		}
		s.X = x
	} else {
		x, err := p.numeric(t)
		if err != nil {
			return Set{}, fmt.Errorf("transform %s: %w", t.Name, err)
		}
		s.X = x
	}
	if t.Labels != nil {
		y, err := p.encode(t, nil)
		if err != nil {
			return Set{}, fmt.Errorf("transform %s: %w", t.Name, err)
		}
		s.Y = y
	}
	return s, nil
}

// numeric gathers the pipeline's features from t by name, imputes and
// scales them.
func (p *Pipeline) numeric(t *Table) (Matrix, error) {
	if t.IsText() {
		return Matrix{}, fmt.Errorf("pipeline needs numeric features %q, the table has a text column", p.Features)
	}
	pos := make(map[string]int, len(t.Features))
	for j, f := range t.Features {
		pos[f] = j
	}
	cols := make([]int, len(p.Features))
	for j, f := range p.Features {
		c, ok := pos[f]
		if !ok {
			return Matrix{}, fmt.Errorf("feature column %q not in the table", f)
		}
		cols[j] = c
	}
	x := p.gather(t, nil, cols)
	if p.Imputer.Strategy == ImputeDrop {
		// The scan Imputer.Apply would make, with an error that names the
		// line and column.
		for i := 0; i < x.Rows; i++ {
			for j, v := range x.Row(i) {
				if math.IsNaN(v) {
					return Matrix{}, fmt.Errorf("%s: column %q: missing value, and the pipeline was fitted with impute %q (no fill value)",
						t.Where(i), p.Features[j], ImputeDrop)
				}
			}
		}
	} else if err := p.Imputer.Apply(x); err != nil {
		return Matrix{}, err
	}
	if err := p.Scaler.Apply(x); err != nil {
		return Matrix{}, err
	}
	return x, nil
}

// gather copies rows (all when nil) and columns cols (all when nil) of t's
// numeric features into a dense matrix.
func (p *Pipeline) gather(t *Table, rows, cols []int) Matrix {
	n := t.Len()
	if rows != nil {
		n = len(rows)
	}
	d := len(t.Features)
	if cols != nil {
		d = len(cols)
	}
	x := NewDense(n, d)
	for r := 0; r < n; r++ {
		i := r
		if rows != nil {
			i = rows[r]
		}
		src, dst := t.Row(i), x.Row(r)
		if cols == nil {
			copy(dst, src)
			continue
		}
		for j, c := range cols {
			dst[j] = src[c]
		}
	}
	return x
}

// encode returns the class index of t's label at each of rows (all when
// nil).
func (p *Pipeline) encode(t *Table, rows []int) ([]int, error) {
	index := make(map[string]int, len(p.Classes))
	for i, c := range p.Classes {
		index[c] = i
	}
	n := t.Len()
	if rows != nil {
		n = len(rows)
	}
	y := make([]int, n)
	for r := range y {
		i := r
		if rows != nil {
			i = rows[r]
		}
		c, ok := index[t.Labels[i]]
		if !ok {
			return nil, fmt.Errorf("%s: label %q is not one of the fitted classes %q", t.Where(i), t.Labels[i], p.Classes)
		}
		y[r] = c
	}
	return y, nil
}
