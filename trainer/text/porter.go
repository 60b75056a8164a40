package text

import "strings"

// PorterOriginal returns the stem of word under M. F. Porter's 1980
// algorithm ("An algorithm for suffix stripping", Program 14(3)), as NLTK
// 3.8's PorterStemmer(mode=ORIGINAL_ALGORITHM) applies it: the word is
// lowercased, every word (even of one or two letters) goes through all steps,
// and step 2 uses the paper's ABLI -> ABLE rule.
func PorterOriginal(word string) string {
	w := []rune(strings.ToLower(word))
	w = porterStep1a(w)
	w = porterStep1b(w)
	w = porterStep1c(w)
	w = porterStep2(w)
	w = porterStep3(w)
	w = porterStep4(w)
	w = porterStep5a(w)
	w = porterStep5b(w)
	return string(w)
}

// porterConsonant reports whether w[i] is a consonant: not a, e, i, o, u,
// and not a y that follows a consonant.
func porterConsonant(w []rune, i int) bool {
	switch w[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return false
	case 'y':
		return i == 0 || !porterConsonant(w, i-1)
	}
	return true
}

// porterMeasure returns m in the form [C](VC)^m[V] of w.
func porterMeasure(w []rune) int {
	m := 0
	prevVowel := false
	for i := range w {
		c := porterConsonant(w, i)
		if c && prevVowel {
			m++
		}
		prevVowel = !c
	}
	return m
}

func porterHasVowel(w []rune) bool {
	for i := range w {
		if !porterConsonant(w, i) {
			return true
		}
	}
	return false
}

// porterDouble is *d: w ends in a double consonant.
func porterDouble(w []rune) bool {
	n := len(w)
	return n >= 2 && w[n-1] == w[n-2] && porterConsonant(w, n-1)
}

// porterCVC is *o: w ends consonant-vowel-consonant, the last not w, x or y.
func porterCVC(w []rune) bool {
	n := len(w)
	if n < 3 {
		return false
	}
	last := w[n-1]
	return porterConsonant(w, n-3) && !porterConsonant(w, n-2) && porterConsonant(w, n-1) &&
		last != 'w' && last != 'x' && last != 'y'
}

func hasRuneSuffix(w []rune, suf string) bool {
	if len(suf) > len(w) {
		return false
	}
	base := len(w) - len(suf)
	for i := 0; i < len(suf); i++ {
		if w[base+i] != rune(suf[i]) {
			return false
		}
	}
	return true
}

// porterRule replaces suffix by replacement when cond holds for the stem
// before the suffix (nil cond always holds).
type porterRule struct {
	suffix, replacement string
	cond                func(stem []rune) bool
}

// porterApply applies the first rule whose suffix w ends with; when its
// condition fails no later rule is tried (the paper's longest-match rule).
func porterApply(w []rune, rules []porterRule) []rune {
	for _, r := range rules {
		if !hasRuneSuffix(w, r.suffix) {
			continue
		}
		stem := w[:len(w)-len(r.suffix)]
		if r.cond == nil || r.cond(stem) {
			return append(stem[:len(stem):len(stem)], []rune(r.replacement)...)
		}
		return w
	}
	return w
}

func mGT0(stem []rune) bool { return porterMeasure(stem) > 0 }
func mGT1(stem []rune) bool { return porterMeasure(stem) > 1 }

func porterStep1a(w []rune) []rune {
	return porterApply(w, []porterRule{
		{"sses", "ss", nil},
		{"ies", "i", nil},
		{"ss", "ss", nil},
		{"s", "", nil},
	})
}

func porterStep1b(w []rune) []rune {
	if hasRuneSuffix(w, "eed") {
		if stem := w[:len(w)-3]; porterMeasure(stem) > 0 {
			return append(stem[:len(stem):len(stem)], 'e', 'e')
		}
		return w
	}
	var stem []rune
	switch {
	case hasRuneSuffix(w, "ed") && porterHasVowel(w[:len(w)-2]):
		stem = w[:len(w)-2]
	case hasRuneSuffix(w, "ing") && porterHasVowel(w[:len(w)-3]):
		stem = w[:len(w)-3]
	default:
		return w
	}
	stem = stem[:len(stem):len(stem)]
	switch {
	case hasRuneSuffix(stem, "at"), hasRuneSuffix(stem, "bl"), hasRuneSuffix(stem, "iz"):
		return append(stem, 'e')
	case porterDouble(stem):
		// (*d and not (*L or *S or *Z)) -> single letter; otherwise stop.
		if last := stem[len(stem)-1]; last != 'l' && last != 's' && last != 'z' {
			return stem[:len(stem)-1]
		}
		return stem
	case porterMeasure(stem) == 1 && porterCVC(stem):
		return append(stem, 'e')
	}
	return stem
}

func porterStep1c(w []rune) []rune {
	return porterApply(w, []porterRule{{"y", "i", porterHasVowel}})
}

var porterStep2Rules = []porterRule{
	{"ational", "ate", mGT0},
	{"tional", "tion", mGT0},
	{"enci", "ence", mGT0},
	{"anci", "ance", mGT0},
	{"izer", "ize", mGT0},
	{"abli", "able", mGT0},
	{"alli", "al", mGT0},
	{"entli", "ent", mGT0},
	{"eli", "e", mGT0},
	{"ousli", "ous", mGT0},
	{"ization", "ize", mGT0},
	{"ation", "ate", mGT0},
	{"ator", "ate", mGT0},
	{"alism", "al", mGT0},
	{"iveness", "ive", mGT0},
	{"fulness", "ful", mGT0},
	{"ousness", "ous", mGT0},
	{"aliti", "al", mGT0},
	{"iviti", "ive", mGT0},
	{"biliti", "ble", mGT0},
}

func porterStep2(w []rune) []rune { return porterApply(w, porterStep2Rules) }

var porterStep3Rules = []porterRule{
	{"icate", "ic", mGT0},
	{"ative", "", mGT0},
	{"alize", "al", mGT0},
	{"iciti", "ic", mGT0},
	{"ical", "ic", mGT0},
	{"ful", "", mGT0},
	{"ness", "", mGT0},
}

func porterStep3(w []rune) []rune { return porterApply(w, porterStep3Rules) }

var porterStep4Rules = []porterRule{
	{"al", "", mGT1},
	{"ance", "", mGT1},
	{"ence", "", mGT1},
	{"er", "", mGT1},
	{"ic", "", mGT1},
	{"able", "", mGT1},
	{"ible", "", mGT1},
	{"ant", "", mGT1},
	{"ement", "", mGT1},
	{"ment", "", mGT1},
	{"ent", "", mGT1},
	{"ion", "", func(stem []rune) bool {
		return porterMeasure(stem) > 1 && (stem[len(stem)-1] == 's' || stem[len(stem)-1] == 't')
	}},
	{"ou", "", mGT1},
	{"ism", "", mGT1},
	{"ate", "", mGT1},
	{"iti", "", mGT1},
	{"ous", "", mGT1},
	{"ive", "", mGT1},
	{"ize", "", mGT1},
}

func porterStep4(w []rune) []rune { return porterApply(w, porterStep4Rules) }

func porterStep5a(w []rune) []rune {
	if !hasRuneSuffix(w, "e") {
		return w
	}
	stem := w[:len(w)-1]
	if m := porterMeasure(stem); m > 1 || (m == 1 && !porterCVC(stem)) {
		return stem
	}
	return w
}

func porterStep5b(w []rune) []rune {
	// (m > 1 and *d and *L) -> single letter; m is measured on the word
	// less one l.
	if hasRuneSuffix(w, "ll") && porterMeasure(w[:len(w)-1]) > 1 {
		return w[:len(w)-1]
	}
	return w
}
