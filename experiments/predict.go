package experiments

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"strconv"
	"strings"

	"github.com/sweep-ml/sweep/trainer/data"
)

// PredictSummary describes a prediction run.
type PredictSummary struct {
	// Rows is the number of rows predicted.
	Rows int
	// Labelled reports whether the file had the label column.
	Labelled bool
	// Scored is the number of rows whose label is one of the model's
	// classes, and Accuracy the fraction of them predicted correctly (NaN
	// when Scored is 0).
	Scored   int
	Accuracy float64
	// UnknownLabels counts the rows whose label the model never saw in
	// training: they are predicted like the others but not scored.
	// UnknownLines holds the source lines of the first few.
	UnknownLabels int
	UnknownLines  []int
	// Dropped counts malformed rows skipped because the spec sets
	// data.drop_malformed.
	Dropped int
}

// maxUnknownLines bounds PredictSummary.UnknownLines.
const maxUnknownLines = 5

// dropMalformedHint is what data.Load appends to a malformed row's error.
// Predict has no drop_malformed setting of its own, so it says instead what
// to do with the file.
const dropMalformedHint = "(set drop_malformed to drop such rows)"

// commaHint starts what data.Load suggests when a file seems to use another
// separator; the separator follows, quoted.
const commaHint = "set comma to "

// predictLoadError is a load error whose message gives predict's advice in
// place of the loader's hints.
type predictLoadError struct {
	msg string
	err error
}

func (e *predictLoadError) Error() string { return e.msg }
func (e *predictLoadError) Unwrap() error { return e.err }

// Predict applies a reproduced trial's fitted pipeline and model to the
// rows of the CSV file at path and writes one CSV row per input row to w:
// the input's line number, its label when the file has the label column,
// the predicted label, then one probability column per class ("p_" and the
// class name).
//
// The label column is optional and never used to predict: a row whose
// label the model never saw is predicted like any other, written with its
// label, counted in UnknownLabels and left out of Accuracy; a row whose
// label cell is empty (or a missing-value marker) is unlabelled and left
// out of both.
//
// The model is not read from a file: Reproduce rebuilt it from the record
// (same data, split, pipeline and seed give the same weights bit for bit),
// and callers should predict only when rep.Match() holds.
func Predict(ctx context.Context, rep *Reproduction, path string, w io.Writer) (PredictSummary, error) {
	var sum PredictSummary
	if rep.model == nil || rep.pipeline == nil {
		return sum, errors.New("predict: the reproduction has no model")
	}
	opts := rep.pipeline.PredictOptions()
	t, err := data.Load(ctx, path, opts)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return sum, fmt.Errorf("data file %s does not exist", path)
		}
		sep := `"," (a tab for .tsv files)`
		if opts.Comma != 0 {
			sep = strconv.Quote(string(opts.Comma))
		}
		hints := strings.NewReplacer(
			dropMalformedHint, "(predict gives every row a prediction: fix or remove the row)",
			commaHint, "save it separated by "+sep+" as the training data was, not ",
		)
		if msg := err.Error(); hints.Replace(msg) != msg {
			return sum, &predictLoadError{msg: hints.Replace(msg), err: err}
		}
		return sum, err
	}
	sum.Dropped = t.Dropped
	// The pipeline encodes labels only to score; an unknown one would fail
	// the whole file, so the labels are matched here instead.
	labels := t.Labels
	t.Labels = nil
	set, err := rep.pipeline.Transform(t)
	if err != nil {
		return sum, err
	}
	proba, err := rep.model.PredictProba(set.X)
	if err != nil {
		return sum, fmt.Errorf("predict %s: %w", path, err)
	}
	classes := rep.pipeline.Classes
	classIndex := make(map[string]int, len(classes))
	for i, c := range classes {
		classIndex[c] = i
	}
	cw := csv.NewWriter(w)
	header := []string{"line"}
	if labels != nil {
		header = append(header, rep.pipeline.Label)
	}
	header = append(header, "predicted")
	for _, c := range classes {
		header = append(header, "p_"+c)
	}
	if err := cw.Write(header); err != nil {
		return sum, err
	}
	correct := 0
	rec := make([]string, 0, len(header))
	for i, p := range proba {
		best := 0
		for c := range p {
			if p[c] > p[best] {
				best = c
			}
		}
		rec = append(rec[:0], strconv.Itoa(t.Lines[i]))
		if labels != nil {
			rec = append(rec, labels[i])
			c, known := classIndex[labels[i]]
			switch {
			case labels[i] == "":
				// An empty label cell: an unlabelled row, not scored.
			case known:
				sum.Scored++
				if c == best {
					correct++
				}
			default:
				sum.UnknownLabels++
				if len(sum.UnknownLines) < maxUnknownLines {
					sum.UnknownLines = append(sum.UnknownLines, t.Lines[i])
				}
			}
		}
		rec = append(rec, classes[best])
		for _, v := range p {
			rec = append(rec, strconv.FormatFloat(v, 'f', 6, 64))
		}
		if err := cw.Write(rec); err != nil {
			return sum, err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return sum, err
	}
	sum.Rows = len(proba)
	sum.Labelled = labels != nil
	sum.Accuracy = math.NaN()
	if sum.Scored > 0 {
		sum.Accuracy = float64(correct) / float64(sum.Scored)
	}
	return sum, nil
}
