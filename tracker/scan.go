package tracker

import (
	"fmt"

	"github.com/sweep-ml/sweep/search"
)

// Rows is the part of a query's result that the child-row decoders read;
// pgx.Rows and *sql.Rows both have it. The caller runs the query and closes
// the rows (the two drivers' Close methods differ).
type Rows interface {
	// Next advances to the next row, reporting false at the end or on an error.
	Next() bool
	// Scan copies the current row's columns into dest.
	Scan(dest ...any) error
	// Err is the error that ended the iteration, if any.
	Err() error
}

// The column lists each decoder expects, in order. A store selects them
// from its trial_evaluations, trial_classes and trial_epochs tables.
const (
	// EvaluationColumns are read by ScanEvaluations, one row per evaluation
	// ordered by position.
	EvaluationColumns = `split, labels, confusion`
	// ClassColumns are read by ScanClasses, ordered by position then
	// class_index.
	ClassColumns = `position, label, precision, recall, f1, support`
	// EpochColumns are read by ScanEpochs, ordered by position.
	EpochColumns = `epoch, train_loss, train_acc, val_loss, val_acc, val_macro_f1, seconds`
)

// ScanEvaluations appends to dst one evaluation per row of
// EvaluationColumns, with Classes left empty for ScanClasses.
func ScanEvaluations(rows Rows, dst []search.Evaluation) ([]search.Evaluation, error) {
	for rows.Next() {
		var split string
		var labels, confusion []byte
		if err := rows.Scan(&split, &labels, &confusion); err != nil {
			return dst, fmt.Errorf("evaluations: %w", err)
		}
		e, err := DecodeEvaluation(split, labels, confusion)
		if err != nil {
			return dst, err
		}
		dst = append(dst, e)
	}
	if err := rows.Err(); err != nil {
		return dst, fmt.Errorf("evaluations: %w", err)
	}
	return dst, nil
}

// ScanClasses appends each row of ClassColumns to the Classes of the
// evaluation at its position in evals. A position outside evals is an
// error: the rows belong to evaluations that were not read.
func ScanClasses(rows Rows, evals []search.Evaluation) error {
	for rows.Next() {
		var pos int
		var c search.ClassMetrics
		if err := rows.Scan(&pos, &c.Label, &c.Precision, &c.Recall, &c.F1, &c.Support); err != nil {
			return fmt.Errorf("classes: %w", err)
		}
		if pos < 0 || pos >= len(evals) {
			return fmt.Errorf("classes: row for evaluation %d of %d", pos, len(evals))
		}
		evals[pos].Classes = append(evals[pos].Classes, c)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("classes: %w", err)
	}
	return nil
}

// ScanEpochs appends to dst one epoch per row of EpochColumns.
func ScanEpochs(rows Rows, dst []search.Epoch) ([]search.Epoch, error) {
	for rows.Next() {
		var e search.Epoch
		if err := rows.Scan(&e.Epoch, &e.TrainLoss, &e.TrainAcc, &e.ValLoss, &e.ValAcc, &e.ValMacroF1, &e.Seconds); err != nil {
			return dst, fmt.Errorf("history: %w", err)
		}
		dst = append(dst, e)
	}
	if err := rows.Err(); err != nil {
		return dst, fmt.Errorf("history: %w", err)
	}
	return dst, nil
}
