package text

import (
	"fmt"
	"math"
)

// Options configures tokenisation and TF-IDF weighting. The zero value, after
// WithDefaults, is scikit-learn's TfidfVectorizer() with default arguments
// preceded by NFKC normalisation (a no-op on ASCII text).
type Options struct {
	// Normalize is the Unicode normalisation applied to each document first:
	// "nfkc" (default), "nfc" or "none".
	Normalize string `json:"normalize" yaml:"normalize"`
	// Case is "lower" (default) to lowercase documents as Python's str.lower
	// does (scikit-learn's lowercase=True), or "keep".
	Case string `json:"case" yaml:"case"`
	// StripAccents removes diacritics after lowercasing, as scikit-learn's
	// strip_accents: "none" (default), "unicode" (NFKD, then drop combining
	// marks) or "ascii" (NFKD, then drop every non-ASCII character).
	StripAccents string `json:"strip_accents" yaml:"strip_accents"`
	// Punctuation is "split" (default: punctuation separates tokens, as the
	// token pattern does) or "remove" (punctuation characters, Unicode class
	// P, are deleted before tokenising, so "don't" becomes "dont").
	Punctuation string `json:"punctuation" yaml:"punctuation"`
	// Digits is "keep" (default), "remove" (decimal digits are deleted before
	// tokenising) or "zero" (every decimal digit becomes 0, so numbers of the
	// same shape share a token).
	Digits string `json:"digits" yaml:"digits"`
	// MinTokenRunes is the shortest token kept, in characters; default 2, as
	// scikit-learn's token pattern (?u)\b\w\w+\b. A token is a maximal run of
	// letters, numbers and underscores.
	MinTokenRunes int `json:"min_token_runes" yaml:"min_token_runes"`
	// StopWords is "none" (default) or "english" (scikit-learn's
	// ENGLISH_STOP_WORDS, matched after case and accent handling and before
	// stemming).
	StopWords string `json:"stop_words" yaml:"stop_words"`
	// Stemmer is "none" (default), "snowball" (Snowball English, Porter2) or
	// "porter" (Porter's original 1980 algorithm).
	Stemmer string `json:"stemmer" yaml:"stemmer"`
	// NGramMin and NGramMax bound the word n-gram lengths; default 1 and 1.
	// N-grams are built after stop-word removal and stemming.
	NGramMin int `json:"ngram_min" yaml:"ngram_min"`
	NGramMax int `json:"ngram_max" yaml:"ngram_max"`
	// MinDF drops terms in fewer documents: a value below 1 is a proportion of
	// the documents, 1 or more an integer count. Default 1.
	MinDF float64 `json:"min_df" yaml:"min_df"`
	// MaxDF drops terms in more documents: a value up to 1 is a proportion of
	// the documents, above 1 an integer count. Default 1 (keep all).
	MaxDF float64 `json:"max_df" yaml:"max_df"`
	// MaxFeatures keeps only the most frequent terms (by total count over the
	// corpus, ties broken alphabetically); 0 (default) keeps all.
	MaxFeatures int `json:"max_features" yaml:"max_features"`
	// SublinearTF replaces a term count tf by 1 + ln(tf).
	SublinearTF bool `json:"sublinear_tf" yaml:"sublinear_tf"`
	// IDF is "smooth" (default: ln((1+n)/(1+df)) + 1), "plain"
	// (ln(n/df) + 1) or "none" (no idf weighting).
	IDF string `json:"idf" yaml:"idf"`
	// Norm scales each row: "l2" (default), "l1" or "none".
	Norm string `json:"norm" yaml:"norm"`
}

// maxNGram bounds NGramMax so that a typo cannot make Fit explode.
const maxNGram = 8

// WithDefaults returns o with every unset field set to its default.
func (o Options) WithDefaults() Options {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.Normalize, "nfkc")
	def(&o.Case, "lower")
	def(&o.StripAccents, "none")
	def(&o.Punctuation, "split")
	def(&o.Digits, "keep")
	def(&o.StopWords, "none")
	def(&o.Stemmer, "none")
	def(&o.IDF, "smooth")
	def(&o.Norm, "l2")
	if o.MinTokenRunes == 0 {
		o.MinTokenRunes = 2
	}
	if o.NGramMin == 0 {
		o.NGramMin = 1
	}
	if o.NGramMax == 0 {
		o.NGramMax = o.NGramMin
	}
	if o.MinDF == 0 {
		o.MinDF = 1
	}
	if o.MaxDF == 0 {
		o.MaxDF = 1
	}
	return o
}

// Validate reports the first invalid field, by its JSON name. Call it after
// WithDefaults.
func (o Options) Validate() error {
	enum := func(field, v string, allowed ...string) error {
		for _, a := range allowed {
			if v == a {
				return nil
			}
		}
		return fmt.Errorf("%s: %q is not one of %q", field, v, allowed)
	}
	for _, err := range []error{
		enum("normalize", o.Normalize, "nfkc", "nfc", "none"),
		enum("case", o.Case, "lower", "keep"),
		enum("strip_accents", o.StripAccents, "none", "unicode", "ascii"),
		enum("punctuation", o.Punctuation, "split", "remove"),
		enum("digits", o.Digits, "keep", "remove", "zero"),
		enum("stop_words", o.StopWords, "none", "english"),
		enum("stemmer", o.Stemmer, "none", "snowball", "porter"),
		enum("idf", o.IDF, "smooth", "plain", "none"),
		enum("norm", o.Norm, "l2", "l1", "none"),
	} {
		if err != nil {
			return err
		}
	}
	switch {
	case o.MinTokenRunes < 1:
		return fmt.Errorf("min_token_runes: %d, want >= 1", o.MinTokenRunes)
	case o.NGramMin < 1:
		return fmt.Errorf("ngram_min: %d, want >= 1", o.NGramMin)
	case o.NGramMax < o.NGramMin:
		return fmt.Errorf("ngram_max: %d is below ngram_min %d", o.NGramMax, o.NGramMin)
	case o.NGramMax > maxNGram:
		return fmt.Errorf("ngram_max: %d, want <= %d", o.NGramMax, maxNGram)
	case !(o.MinDF >= 0) || math.IsInf(o.MinDF, 0):
		return fmt.Errorf("min_df: %v, want a proportion in [0, 1) or a count >= 1", o.MinDF)
	case o.MinDF >= 1 && o.MinDF != math.Trunc(o.MinDF):
		return fmt.Errorf("min_df: %v, want a proportion in [0, 1) or an integer count", o.MinDF)
	case !(o.MaxDF > 0) || math.IsInf(o.MaxDF, 0):
		return fmt.Errorf("max_df: %v, want a proportion in (0, 1] or a count > 1", o.MaxDF)
	case o.MaxDF > 1 && o.MaxDF != math.Trunc(o.MaxDF):
		return fmt.Errorf("max_df: %v, want a proportion in (0, 1] or an integer count", o.MaxDF)
	case o.MaxFeatures < 0:
		return fmt.Errorf("max_features: %d, want >= 0 (0 keeps all)", o.MaxFeatures)
	}
	return nil
}

// DFRangeError reports a MinDF and MaxDF that no term can satisfy on Docs
// training documents: MinDF asks for more documents than there are, or
// MaxDF allows fewer than MinDF asks for.
type DFRangeError struct {
	MinDF, MaxDF float64
	Docs         int
}

// Error says which bound cannot be met, in one clause: "min_df 5000 is
// more than the 2333 training documents", "max_df 0.1 (at most 233 of the
// 2333 training documents) is below min_df 300".
func (e *DFRangeError) Error() string {
	lo, hi := Options{MinDF: e.MinDF, MaxDF: e.MaxDF}.dfBounds(e.Docs)
	if lo > float64(e.Docs) {
		return fmt.Sprintf("min_df %v is more than the %d training documents", e.MinDF, e.Docs)
	}
	maxDesc := fmt.Sprintf("max_df %v", e.MaxDF)
	if e.MaxDF <= 1 {
		maxDesc += fmt.Sprintf(" (at most %v of the %d training documents)", math.Floor(hi), e.Docs)
	}
	minDesc := fmt.Sprintf("min_df %v", e.MinDF)
	if e.MinDF < 1 {
		minDesc += fmt.Sprintf(" (at least %v of the %d training documents)", math.Ceil(lo), e.Docs)
	}
	return maxDesc + " is below " + minDesc
}

// dfBounds converts MinDF and MaxDF to document counts for n documents, as
// scikit-learn does (a proportion p becomes p·n, not rounded).
func (o Options) dfBounds(n int) (lo, hi float64) {
	lo, hi = o.MinDF, o.MaxDF
	if lo < 1 {
		lo *= float64(n)
	}
	if hi <= 1 {
		hi *= float64(n)
	}
	return lo, hi
}
