package text

import (
	"unicode"
	"unicode/utf8"
)

// appendLower appends the lowercase form of s to dst as Python's str.lower()
// computes it, which scikit-learn applies: the simple Unicode mapping of
// unicode.ToLower plus the two rules Go's mapping lacks, U+0130 (İ) → "i̇"
// (i and a combining dot, which then splits a token as in Python) and the
// Final_Sigma rule (Σ → ς at the end of a word).
func appendLower(dst []byte, s string) []byte {
	for i, r := range s {
		switch r {
		case 'İ':
			dst = append(dst, "i\u0307"...)
			continue
		case 'Σ':
			if finalSigma(s, i) {
				r = 'ς'
			} else {
				r = 'σ'
			}
		default:
			r = unicode.ToLower(r)
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// finalSigma reports whether the Σ at s[i] is preceded by a cased letter
// and not followed by one, skipping case-ignorable characters in both
// directions (Unicode's Final_Sigma condition).
func finalSigma(s string, i int) bool {
	before := false
	for j := i; j > 0; {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		j -= size
		if caseIgnorable(r) {
			continue
		}
		before = cased(r)
		break
	}
	if !before {
		return false
	}
	for j := i + len("Σ"); j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		j += size
		if caseIgnorable(r) {
			continue
		}
		return !cased(r)
	}
	return true
}

// cased reports whether r has case (Unicode's Cased property).
func cased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// caseIgnorable approximates Unicode's Case_Ignorable property: marks,
// format characters, modifier letters and symbols, and the word-internal
// punctuation of Word_Break MidLetter, MidNumLet and Single_Quote.
func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', '·', '\u0387', '\u05F4', '\u2018', '\u2019', '\u2024', '\u2027',
		'\uFE13', '\uFE52', '\uFE55', '\uFF07', '\uFF0E', '\uFF1A':
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
