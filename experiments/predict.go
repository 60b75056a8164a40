package experiments

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"

	"github.com/sweep-ml/sweep/trainer/data"
)

// PredictSummary describes a prediction run.
type PredictSummary struct {
	// Rows is the number of rows predicted.
	Rows int
	// Labelled reports whether the file had the label column; Accuracy is
	// then the fraction predicted correctly.
	Labelled bool
	Accuracy float64
}

// Predict applies a reproduced trial's fitted pipeline and model to the
// rows of the CSV file at path and writes one CSV row per input row to w:
// the input's line number, its label when the file has the label column,
// the predicted label, then one probability column per class ("p_" and the
// class name).
//
// The model is not read from a file: Reproduce rebuilt it from the record
// (same data, split, pipeline and seed give the same weights bit for bit),
// and callers should predict only when rep.Match() holds.
func Predict(ctx context.Context, rep *Reproduction, path string, w io.Writer) (PredictSummary, error) {
	var sum PredictSummary
	if rep.model == nil || rep.pipeline == nil {
		return sum, errors.New("predict: the reproduction has no model")
	}
	t, err := data.Load(ctx, path, rep.pipeline.PredictOptions())
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return sum, fmt.Errorf("data file %s does not exist", path)
		}
		return sum, err
	}
	set, err := rep.pipeline.Transform(t)
	if err != nil {
		return sum, err
	}
	proba, err := rep.model.PredictProba(set.X)
	if err != nil {
		return sum, fmt.Errorf("predict %s: %w", path, err)
	}
	classes := rep.pipeline.Classes
	cw := csv.NewWriter(w)
	header := []string{"line"}
	if set.Y != nil {
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
		if set.Y != nil {
			rec = append(rec, classes[set.Y[i]])
			if set.Y[i] == best {
				correct++
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
	if set.Y != nil && len(proba) > 0 {
		sum.Labelled = true
		sum.Accuracy = float64(correct) / float64(len(proba))
	}
	return sum, nil
}
