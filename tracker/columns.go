package tracker

import (
	"encoding/json"
	"fmt"

	"github.com/sweep-ml/sweep/search"
)

// The encodings below are the JSON columns both stores share; only the SQL
// around them differs between the drivers.

// EncodeParams returns the params column: a JSON object with keys in sorted
// order, "{}" for nil params.
func EncodeParams(p search.Params) (string, error) {
	if p == nil {
		return "{}", nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("params: %w", err)
	}
	return string(b), nil
}

// DecodeParams is the inverse of EncodeParams.
func DecodeParams(b []byte) (search.Params, error) {
	p := search.Params{}
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("params: %w", err)
	}
	return p, nil
}

// EncodeEvaluation returns the labels and confusion columns of one
// evaluation; nil slices are written as empty JSON arrays.
func EncodeEvaluation(e search.Evaluation) (labels, confusion string, err error) {
	l, c := e.Labels, e.Confusion
	if l == nil {
		l = []string{}
	}
	if c == nil {
		c = [][]int{}
	}
	lb, err := json.Marshal(l)
	if err != nil {
		return "", "", fmt.Errorf("evaluation %s labels: %w", e.Split, err)
	}
	cb, err := json.Marshal(c)
	if err != nil {
		return "", "", fmt.Errorf("evaluation %s confusion: %w", e.Split, err)
	}
	return string(lb), string(cb), nil
}

// DecodeEvaluation is the inverse of EncodeEvaluation; Classes are left for
// the caller to fill from the per-class rows.
func DecodeEvaluation(split string, labels, confusion []byte) (search.Evaluation, error) {
	e := search.Evaluation{Split: split}
	if err := json.Unmarshal(labels, &e.Labels); err != nil {
		return e, fmt.Errorf("evaluation %s labels: %w", split, err)
	}
	if err := json.Unmarshal(confusion, &e.Confusion); err != nil {
		return e, fmt.Errorf("evaluation %s confusion: %w", split, err)
	}
	return e, nil
}
