package data

import (
	"context"
	"fmt"

	"github.com/sweep-ml/sweep/trainer/text"
)

// TextOptions configures the TF-IDF vectorizer (trainer/text).
type TextOptions = text.Options

// TextVectorizer is a fitted TF-IDF vectorizer (trainer/text).
type TextVectorizer = text.Vectorizer

// fitTransformText fits the TF-IDF vectorizer on the training documents
// and returns their rows, tokenising each document once.
func fitTransformText(ctx context.Context, docs []string, opts TextOptions) (*TextVectorizer, Matrix, error) {
	v, indptr, indices, values, err := text.FitTransform(ctx, docs, opts)
	if err != nil {
		return nil, Matrix{}, fmt.Errorf("tf-idf: %w", err)
	}
	return v, Matrix{Rows: len(docs), Cols: len(v.Vocabulary), Indptr: indptr, Indices: indices, Values: values}, nil
}

// transformText returns the TF-IDF rows of docs as a CSR matrix.
func transformText(v *TextVectorizer, docs []string) (Matrix, error) {
	indptr, indices, values, err := v.Transform(docs)
	if err != nil {
		return Matrix{}, fmt.Errorf("tf-idf: %w", err)
	}
	return Matrix{Rows: len(docs), Cols: len(v.Vocabulary), Indptr: indptr, Indices: indices, Values: values}, nil
}
