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

// fitText fits the TF-IDF vectorizer on the training documents.
func fitText(ctx context.Context, docs []string, opts TextOptions) (*TextVectorizer, error) {
	v, err := text.Fit(ctx, docs, opts)
	if err != nil {
		return nil, fmt.Errorf("tf-idf: %w", err)
	}
	return v, nil
}

// transformText returns the TF-IDF rows of docs as a CSR matrix.
func transformText(v *TextVectorizer, docs []string) Matrix {
	indptr, indices, values := v.Transform(docs)
	return Matrix{Rows: len(docs), Cols: len(v.Vocabulary), Indptr: indptr, Indices: indices, Values: values}
}
