package data

import (
	"fmt"
)

// Config says how a Table becomes training data. A spec file fills it; call
// WithDefaults, then Validate.
type Config struct {
	Split SplitConfig `json:"split"`
	// Impute is mean, median, most_frequent or drop [mean]; numeric data only.
	Impute string `json:"impute"`
	// Scale is standard, minmax or none [standard]; numeric data only
	// (TF-IDF rows are already normalised by the vectorizer).
	Scale string `json:"scale"`
	// Text configures the TF-IDF vectorizer; text data only.
	Text TextOptions `json:"text"`
	// Sampling handles class imbalance on the training rows.
	Sampling Sampling `json:"sampling"`
}

// SplitConfig gives the stratified split fractions.
type SplitConfig struct {
	// Test is the fraction of rows held out for testing [0.2].
	Test float64 `json:"test"`
	// Validation is the fraction of the remaining rows held out for
	// validation [0.2].
	Validation float64 `json:"validation"`
}

// WithDefaults returns c with empty fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Split.Test == 0 {
		c.Split.Test = 0.2
	}
	if c.Split.Validation == 0 {
		c.Split.Validation = 0.2
	}
	if c.Impute == "" {
		c.Impute = ImputeMean
	}
	if c.Scale == "" {
		c.Scale = ScaleStandard
	}
	c.Text = c.Text.WithDefaults()
	c.Sampling = c.Sampling.WithDefaults()
	return c
}

// Validate reports the first field that cannot work, naming its path
// ("split.test", "sampling.k", ...).
func (c Config) Validate() error {
	if err := c.validatePreprocessing(); err != nil {
		return err
	}
	return c.Sampling.Validate()
}

// validatePreprocessing checks everything Fit uses (all but Sampling).
func (c Config) validatePreprocessing() error {
	if !(c.Split.Test > 0 && c.Split.Test < 1) {
		return fmt.Errorf("split.test: %v outside (0, 1)", c.Split.Test)
	}
	if !(c.Split.Validation > 0 && c.Split.Validation < 1) {
		return fmt.Errorf("split.validation: %v outside (0, 1)", c.Split.Validation)
	}
	switch c.Impute {
	case ImputeMean, ImputeMedian, ImputeMostFrequent, ImputeDrop:
	default:
		return fmt.Errorf("impute: unknown %q (want mean, median, most_frequent or drop)", c.Impute)
	}
	switch c.Scale {
	case ScaleStandard, ScaleMinMax, ScaleNone:
	default:
		return fmt.Errorf("scale: unknown %q (want standard, minmax or none)", c.Scale)
	}
	if err := c.Text.Validate(); err != nil {
		return fmt.Errorf("text.%w", err) // text names the field: "text.ngram_max: ..."
	}
	return nil
}
