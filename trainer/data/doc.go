// Package data turns a labelled CSV file into the train, validation and test
// matrices an MLP trains on, the same way every time.
//
// The flow is Load (stream a CSV/TSV, optionally gzip-compressed, into a
// Table with column kinds, missing-value counts and a fingerprint), then
// Prepare (stratified split, imputation, scaling or TF-IDF fitted on the
// training rows only, then class-imbalance handling on the training rows
// only). Prepare is Fit followed by Fitted.Resample: Fit depends only on the
// split seed and the preprocessing options, Resample only on the sampling
// seed and strategy, so a sweep that varies the sampling strategy per trial
// can call Fit once and Resample per trial.
//
// Everything a fitted run needs to be redone on new data (label map,
// imputer and scaler statistics, TF-IDF vocabulary, options) is one
// JSON-serialisable Pipeline value.
//
// Choices worth knowing: impute "drop" removes rows with a missing feature
// before the split (so the three sets stay comparable) and makes Transform
// reject such rows in new data; scaling is not applied to TF-IDF rows (the
// vectorizer normalises them); SMOTE needs dense features, so for text data
// it is an error that suggests oversample or class_weight (interpolating two
// TF-IDF rows yields a row with both documents' terms and a norm below one,
// a document no vectorizer would produce).
//
// Labels are trimmed of leading and trailing white space when read, then
// encoded in byte-wise sorted order of their names: class index 0 is the
// smallest label string. Every random step takes an explicit
// *rand.Rand built from a caller-supplied seed; the same seeds give identical
// output.
package data
