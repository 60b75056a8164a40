//go:build !sweeptext

package data

import (
	"context"
	"errors"
)

// TextOptions configures the TF-IDF vectorizer. Interim stand-in until
// trainer/text is in the tree; then it becomes an alias of text.Options.
type TextOptions struct{}

// WithDefaults returns o.
func (o TextOptions) WithDefaults() TextOptions { return o }

// Validate reports nothing.
func (o TextOptions) Validate() error { return nil }

// TextVectorizer stands in for text.Vectorizer until trainer/text is in
// the tree.
type TextVectorizer struct {
	Vocabulary []string `json:"vocabulary"`
}

var errNoText = errors.New("text features need trainer/text, which this build does not include")

func fitText(context.Context, []string, TextOptions) (*TextVectorizer, error) { return nil, errNoText }

func transformText(*TextVectorizer, []string) Matrix { return Matrix{} }
