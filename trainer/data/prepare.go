package data

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

// PCG stream constants: one per random step, so that the split and the
// resampling draw independent sequences even from equal seeds.
const (
	streamSplit    = 0x73706c6974   // "split"
	streamResample = 0x73616d706c65 // "sample"
)

// Prepared is a Table ready for training: the three sets, the class names
// (class index i is Classes[i]), class weights when the sampling strategy is
// class_weight (nil otherwise), the fitted pipeline, and notes on anything
// done that the caller should record (rows dropped, neighbours reduced,
// class counts before and after resampling).
type Prepared struct {
	Train, Val, Test Set
	Classes          []string
	ClassWeights     []float64
	Pipeline         *Pipeline
	Notes            []string
}

// Fitted is a split Table with the pipeline fitted on its training rows, not
// yet resampled. It depends on the split seed and the preprocessing options
// only, so a sweep can Fit once and call Resample per trial. Its sets are
// shared with every Prepared made from it: treat them as read-only. Resample
// only reads f, so trials may call it concurrently.
type Fitted struct {
	Train, Val, Test Set
	Classes          []string
	Pipeline         *Pipeline
	Notes            []string
	// TrainRows, ValRows and TestRows are the Table row indices of each
	// set, ascending.
	TrainRows, ValRows, TestRows []int
}

// Prepare is Fit followed by Resample: a stratified split of t seeded by
// splitSeed, the pipeline fitted on the training rows and applied to all
// three sets, then cfg.Sampling applied to the training set with
// randomness from sampleSeed. The same arguments give identical output.
func Prepare(ctx context.Context, t *Table, cfg Config, splitSeed, sampleSeed uint64) (*Prepared, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	f, err := Fit(ctx, t, cfg, splitSeed)
	if err != nil {
		return nil, err
	}
	return f.Resample(cfg.Sampling, sampleSeed)
}

// Fit splits t (stratified, seeded by splitSeed, fractions from cfg.Split)
// and fits the pipeline on the training rows. cfg.Sampling is not used.
// With impute "drop", rows with a missing feature are removed before the
// split and counted in the notes.
func Fit(ctx context.Context, t *Table, cfg Config, splitSeed uint64) (*Fitted, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validatePreprocessing(); err != nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	rows, classes, y, notes, err := usableRows(t, cfg)
	if err != nil {
		return nil, fmt.Errorf("fit %s: %w", t.Name, err)
	}
	rng := rand.New(rand.NewPCG(splitSeed, streamSplit))
	tr, va, te, err := StratifiedSplit(y, classes, cfg.Split.Test, cfg.Split.Validation, rng)
	if err != nil {
		return nil, fmt.Errorf("fit %s: %w", t.Name, err)
	}
	var setRows, setY [3][]int
	for k, idx := range [3][]int{tr, va, te} {
		setRows[k], setY[k] = pick(rows, idx), pick(y, idx)
	}
	f, err := fitRows(ctx, t, cfg, classes, setRows, setY)
	if err != nil {
		return nil, err
	}
	f.Notes = append(notes, f.Notes...)
	f.Pipeline.SplitSeed = splitSeed
	return f, nil
}

// FitRows fits the pipeline on the Table rows train and applies it to
// train, val and test (any may be empty but train), for callers that choose
// the rows themselves, such as k-fold cross-validation with StratifiedKFold.
// With impute "drop", rows with a missing feature are left out of each set.
func FitRows(ctx context.Context, t *Table, cfg Config, train, val, test []int) (*Fitted, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validatePreprocessing(); err != nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	rows, classes, y, notes, err := usableRows(t, cfg)
	if err != nil {
		return nil, fmt.Errorf("fit %s: %w", t.Name, err)
	}
	class := make([]int, t.Len()) // class index of each table row, -1 when not usable
	for i := range class {
		class[i] = -1
	}
	for k, r := range rows {
		class[r] = y[k]
	}
	var setRows, setY [3][]int
	for k, idx := range [3][]int{train, val, test} {
		setRows[k], setY[k] = make([]int, 0, len(idx)), make([]int, 0, len(idx))
		for _, i := range idx {
			if i < 0 || i >= t.Len() {
				return nil, fmt.Errorf("fit %s: %s row %d outside [0, %d)", t.Name, [...]string{"train", "validation", "test"}[k], i, t.Len())
			}
			if c := class[i]; c >= 0 {
				setRows[k] = append(setRows[k], i)
				setY[k] = append(setY[k], c)
			}
		}
	}
	if len(setRows[0]) == 0 {
		return nil, fmt.Errorf("fit %s: no training rows", t.Name)
	}
	f, err := fitRows(ctx, t, cfg, classes, setRows, setY)
	if err != nil {
		return nil, err
	}
	f.Notes = append(notes, f.Notes...)
	return f, nil
}

// Resample applies s to the training set with randomness from sampleSeed and
// returns the result with the validation and test sets unchanged. It does
// not modify f.
func (f *Fitted) Resample(s Sampling, sampleSeed uint64) (*Prepared, error) {
	rng := rand.New(rand.NewPCG(sampleSeed, streamResample))
	r, err := Resample(f.Train, f.Classes, s, rng)
	if err != nil {
		return nil, fmt.Errorf("resample: %w", err)
	}
	return &Prepared{
		Train:        r.Set,
		Val:          f.Val,
		Test:         f.Test,
		Classes:      f.Classes,
		ClassWeights: r.ClassWeights,
		Pipeline:     f.Pipeline,
		Notes:        append(slices.Clip(f.Notes), r.Notes...),
	}, nil
}

// usableRows returns the rows of t that can be used (all but those with a
// missing feature under impute "drop"), the classes (sorted), the class
// index of each usable row and notes.
func usableRows(t *Table, cfg Config) (rows []int, classes []string, y []int, notes []string, err error) {
	if t.Labels == nil {
		return nil, nil, nil, nil, fmt.Errorf("no label column %q", t.Options.Label)
	}
	if t.Dropped > 0 {
		notes = append(notes, fmt.Sprintf("load: %d malformed rows dropped (first: %s)", t.Dropped, t.DroppedReasons[0]))
	}
	rows = make([]int, 0, t.Len())
	dropped := 0
	for i := 0; i < t.Len(); i++ {
		if cfg.Impute == ImputeDrop && t.hasMissing(i) {
			dropped++
			continue
		}
		rows = append(rows, i)
	}
	if dropped > 0 {
		notes = append(notes, fmt.Sprintf("impute drop: %d of %d rows dropped for missing values", dropped, t.Len()))
	}
	if len(rows) == 0 {
		return nil, nil, nil, nil, fmt.Errorf("impute drop: every row has a missing value")
	}
	labels := make([]string, len(rows))
	for k, i := range rows {
		labels[k] = t.Labels[i]
	}
	classes, y = EncodeLabels(labels)
	if len(classes) < 2 {
		return nil, nil, nil, nil, fmt.Errorf("label column %q has one class only (%q); need at least 2", t.Options.Label, classes[0])
	}
	return rows, classes, y, notes, nil
}

func pick(rows, idx []int) []int {
	out := make([]int, len(idx))
	for k, i := range idx {
		out[k] = rows[i]
	}
	return out
}

// fitRows fits the pipeline on the table rows rows[0] and transforms the
// three sets rows[0] (train), rows[1] (validation) and rows[2] (test), whose
// class indices in classes are y[0], y[1] and y[2], as usableRows encoded
// them.
func fitRows(ctx context.Context, t *Table, cfg Config, classes []string, rows, y [3][]int) (*Fitted, error) {
	fitCfg := cfg
	fitCfg.Sampling = Sampling{}
	p := &Pipeline{
		Version:         PipelineVersion,
		Label:           t.Options.Label,
		Classes:         classes,
		Config:          fitCfg,
		Load:            t.Options,
		DataFingerprint: t.Fingerprint,
	}
	f := &Fitted{Classes: classes, Pipeline: p, TrainRows: rows[0], ValRows: rows[1], TestRows: rows[2]}
	var sets [3]Set
	if t.IsText() {
		p.TextColumn = t.Options.Text
		p.Config.Impute, p.Config.Scale = "", ""
		docs := func(idx []int) []string {
			d := make([]string, len(idx))
			for k, i := range idx {
				d[k] = t.Docs[i]
			}
			return d
		}
		v, x, err := fitTransformText(ctx, docs(rows[0]), cfg.Text)
		if err != nil {
			return nil, fmt.Errorf("fit %s: %w", t.Name, err)
		}
		p.Vectorizer = v
		sets[0].X = x
		for k := 1; k < len(sets); k++ {
			if sets[k].X, err = transformText(v, docs(rows[k])); err != nil {
				return nil, fmt.Errorf("fit %s: %w", t.Name, err)
			}
		}
		if cfg.Scale != ScaleNone {
			f.Notes = append(f.Notes, fmt.Sprintf("scale %q not applied: TF-IDF rows are normalised by the vectorizer", cfg.Scale))
		}
	} else {
		p.Features = t.Features
		p.Config.Text = TextOptions{}
		for k := range sets {
			sets[k].X = p.gather(t, rows[k], nil)
		}
		im, notes, err := FitImputer(cfg.Impute, sets[0].X, t.Features)
		if err != nil {
			return nil, fmt.Errorf("fit %s: %w", t.Name, err)
		}
		f.Notes = append(f.Notes, notes...)
		// Under impute "drop" usableRows has left out every row with a
		// missing value, so there is nothing to fill or find.
		if im.Strategy != ImputeDrop {
			for k := range sets {
				if err := im.Apply(sets[k].X); err != nil {
					return nil, fmt.Errorf("fit %s: %w", t.Name, err)
				}
			}
		}
		sc, err := FitScaler(cfg.Scale, sets[0].X)
		if se := (*ScaleError)(nil); errors.As(err, &se) && se.Column < len(t.Features) {
			return nil, fmt.Errorf("fit %s: scaler: feature %q: %s", t.Name, t.Features[se.Column], se.Reason)
		}
		if err != nil {
			return nil, fmt.Errorf("fit %s: %w", t.Name, err)
		}
		for k := range sets {
			if err := sc.Apply(sets[k].X); err != nil {
				return nil, fmt.Errorf("fit %s: %w", t.Name, err)
			}
		}
		p.Imputer, p.Scaler = &im, &sc
	}
	for k := range sets {
		sets[k].Y = y[k]
	}
	f.Train, f.Val, f.Test = sets[0], sets[1], sets[2]
	return f, nil
}
