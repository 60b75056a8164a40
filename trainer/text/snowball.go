package text

import (
	"strings"
	"unicode/utf8"
)

// SnowballEnglish returns the stem of word under the Snowball English
// ("Porter2") algorithm as published at
// https://snowballstem.org/algorithms/english/stemmer.html, in the version
// NLTK 3.8's SnowballStemmer("english") implements (same exception lists;
// stop words not ignored). The word is lowercased first; words of one or two
// characters are returned unchanged. On the 43,899 words of
// testdata/stems.tsv.gz it agrees with NLTK except for 4, where NLTK's region
// bookkeeping departs from the published algorithm (see stem_test.go).
func SnowballEnglish(word string) string {
	word = strings.ToLower(word)
	if utf8.RuneCountInString(word) <= 2 {
		return word
	}
	if s, ok := snowballException1(word); ok {
		return s
	}
	w := []rune(word)
	w = snowballPrelude(w)
	s := porter2{w: w}
	s.regions()
	s.step0()
	s.step1a()
	if snowballException2(string(s.w)) {
		return restoreY(s.w)
	}
	s.step1b()
	s.step1c()
	s.step2()
	s.step3()
	s.step4()
	s.step5()
	return restoreY(s.w)
}

// snowballException1 handles the words the algorithm lists before any step.
func snowballException1(w string) (string, bool) {
	switch w {
	case "skis":
		return "ski", true
	case "skies":
		return "sky", true
	case "dying":
		return "die", true
	case "lying":
		return "lie", true
	case "tying":
		return "tie", true
	case "idly":
		return "idl", true
	case "gently":
		return "gentl", true
	case "ugly":
		return "ugli", true
	case "early":
		return "earli", true
	case "only":
		return "onli", true
	case "singly":
		return "singl", true
	case "sky", "news", "howe", "atlas", "cosmos", "bias", "andes":
		return w, true
	}
	return "", false
}

// snowballException2 lists the words left alone after step 1a.
func snowballException2(w string) bool {
	switch w {
	case "inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed":
		return true
	}
	return false
}

// snowballPrelude unifies apostrophes, drops a leading one and marks the y
// that act as consonants (initial y, y after a vowel) as Y.
func snowballPrelude(w []rune) []rune {
	for i, r := range w {
		if r == '\u2019' || r == '\u2018' || r == '\u201B' {
			w[i] = '\''
		}
	}
	if len(w) > 0 && w[0] == '\'' {
		w = w[1:]
	}
	if len(w) > 0 && w[0] == 'y' {
		w[0] = 'Y'
	}
	for i := 1; i < len(w); i++ {
		if w[i] == 'y' && isVowel(w[i-1]) {
			w[i] = 'Y'
		}
	}
	return w
}

// restoreY turns the consonant marker Y back into y.
func restoreY(w []rune) string {
	for i, r := range w {
		if r == 'Y' {
			w[i] = 'y'
		}
	}
	return string(w)
}

// isVowel reports whether r is a Porter2 vowel (y counts; the marker Y does not).
func isVowel(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// porter2 holds a word being stemmed and the start of its regions R1 and R2.
// A region is w[start:] (empty when start >= len(w)).
type porter2 struct {
	w      []rune
	r1, r2 int
}

// regionAfter returns the index after the first non-vowel that follows a
// vowel at or after from, or len(w) if there is none.
func regionAfter(w []rune, from int) int {
	for i := from + 1; i < len(w); i++ {
		if !isVowel(w[i]) && isVowel(w[i-1]) {
			return i + 1
		}
	}
	return len(w)
}

func (s *porter2) regions() {
	str := string(s.w)
	switch {
	case strings.HasPrefix(str, "gener"), strings.HasPrefix(str, "arsen"):
		s.r1 = 5
	case strings.HasPrefix(str, "commun"):
		s.r1 = 6
	default:
		s.r1 = regionAfter(s.w, 0)
	}
	s.r2 = regionAfter(s.w, s.r1)
	if s.r1 >= len(s.w) {
		s.r2 = len(s.w)
	}
}

func (s *porter2) hasSuffix(suf string) bool {
	n := len(suf) // suffixes are ASCII
	if n > len(s.w) {
		return false
	}
	base := len(s.w) - n
	for i := 0; i < n; i++ {
		if s.w[base+i] != rune(suf[i]) {
			return false
		}
	}
	return true
}

// longest returns the longest of sufs that w ends with, or "".
func (s *porter2) longest(sufs []string) string {
	best := ""
	for _, suf := range sufs {
		if len(suf) > len(best) && s.hasSuffix(suf) {
			best = suf
		}
	}
	return best
}

// inR1 and inR2 report whether a suffix of n letters lies within the region.
func (s *porter2) inR1(n int) bool { return len(s.w)-n >= s.r1 }
func (s *porter2) inR2(n int) bool { return len(s.w)-n >= s.r2 }

// replace swaps the last n letters for rep.
func (s *porter2) replace(n int, rep string) {
	s.w = append(s.w[:len(s.w)-n], []rune(rep)...)
}

func (s *porter2) step0() {
	if suf := s.longest([]string{"'s'", "'s", "'"}); suf != "" {
		s.replace(len(suf), "")
	}
}

// containsVowel reports whether w[:end] holds a vowel.
func containsVowel(w []rune, end int) bool {
	for _, r := range w[:end] {
		if isVowel(r) {
			return true
		}
	}
	return false
}

func (s *porter2) step1a() {
	switch suf := s.longest([]string{"sses", "ied", "ies", "us", "ss", "s"}); suf {
	case "sses":
		s.replace(4, "ss")
	case "ied", "ies":
		if len(s.w) > 4 {
			s.replace(3, "i")
		} else {
			s.replace(3, "ie")
		}
	case "s":
		// Delete if a vowel occurs before the letter preceding the s.
		if len(s.w) >= 3 && containsVowel(s.w, len(s.w)-2) {
			s.replace(1, "")
		}
	}
}

// isDouble reports whether w ends in one of bb dd ff gg mm nn pp rr tt.
func isDouble(w []rune) bool {
	n := len(w)
	if n < 2 || w[n-1] != w[n-2] {
		return false
	}
	switch w[n-1] {
	case 'b', 'd', 'f', 'g', 'm', 'n', 'p', 'r', 't':
		return true
	}
	return false
}

// endsShortSyllable reports whether w ends in a short syllable: a non-vowel
// other than w, x or Y preceded by a vowel preceded by a non-vowel, or a
// two-letter word of a vowel then a non-vowel.
func endsShortSyllable(w []rune) bool {
	n := len(w)
	if n == 2 {
		return isVowel(w[0]) && !isVowel(w[1])
	}
	if n < 3 {
		return false
	}
	c := w[n-1]
	return !isVowel(c) && c != 'w' && c != 'x' && c != 'Y' && isVowel(w[n-2]) && !isVowel(w[n-3])
}

func (s *porter2) step1b() {
	suf := s.longest([]string{"eed", "eedly", "ed", "edly", "ing", "ingly"})
	switch suf {
	case "":
		return
	case "eed", "eedly":
		if s.inR1(len(suf)) {
			s.replace(len(suf), "ee")
		}
		return
	}
	if !containsVowel(s.w, len(s.w)-len(suf)) {
		return
	}
	s.replace(len(suf), "")
	switch {
	case s.hasSuffix("at"), s.hasSuffix("bl"), s.hasSuffix("iz"):
		s.replace(0, "e")
	case isDouble(s.w):
		s.replace(1, "")
	case s.r1 >= len(s.w) && endsShortSyllable(s.w):
		s.replace(0, "e")
	}
}

func (s *porter2) step1c() {
	n := len(s.w)
	if n > 2 && (s.w[n-1] == 'y' || s.w[n-1] == 'Y') && !isVowel(s.w[n-2]) {
		s.w[n-1] = 'i'
	}
}

var porter2Step2 = []string{
	"tional", "enci", "anci", "abli", "entli", "izer", "ization", "ational", "ation", "ator",
	"alism", "aliti", "alli", "fulness", "ousli", "ousness", "iveness", "iviti", "biliti", "bli",
	"ogi", "fulli", "lessli", "li",
}

func (s *porter2) step2() {
	suf := s.longest(porter2Step2)
	if suf == "" || !s.inR1(len(suf)) {
		return
	}
	n := len(suf)
	switch suf {
	case "tional":
		s.replace(n, "tion")
	case "enci":
		s.replace(n, "ence")
	case "anci":
		s.replace(n, "ance")
	case "abli":
		s.replace(n, "able")
	case "entli":
		s.replace(n, "ent")
	case "izer", "ization":
		s.replace(n, "ize")
	case "ational", "ation", "ator":
		s.replace(n, "ate")
	case "alism", "aliti", "alli":
		s.replace(n, "al")
	case "fulness":
		s.replace(n, "ful")
	case "ousli", "ousness":
		s.replace(n, "ous")
	case "iveness", "iviti":
		s.replace(n, "ive")
	case "biliti", "bli":
		s.replace(n, "ble")
	case "ogi":
		if len(s.w) > 3 && s.w[len(s.w)-4] == 'l' {
			s.replace(n, "og")
		}
	case "fulli":
		s.replace(n, "ful")
	case "lessli":
		s.replace(n, "less")
	case "li":
		if len(s.w) > 2 {
			switch s.w[len(s.w)-3] {
			case 'c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't':
				s.replace(n, "")
			}
		}
	}
}

var porter2Step3 = []string{"tional", "ational", "alize", "icate", "iciti", "ative", "ical", "ful", "ness"}

func (s *porter2) step3() {
	suf := s.longest(porter2Step3)
	if suf == "" || !s.inR1(len(suf)) {
		return
	}
	n := len(suf)
	switch suf {
	case "tional":
		s.replace(n, "tion")
	case "ational":
		s.replace(n, "ate")
	case "alize":
		s.replace(n, "al")
	case "icate", "iciti", "ical":
		s.replace(n, "ic")
	case "ful", "ness":
		s.replace(n, "")
	case "ative":
		if s.inR2(n) {
			s.replace(n, "")
		}
	}
}

var porter2Step4 = []string{
	"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate",
	"iti", "ous", "ive", "ize", "ion",
}

func (s *porter2) step4() {
	suf := s.longest(porter2Step4)
	if suf == "" || !s.inR2(len(suf)) {
		return
	}
	if suf == "ion" {
		if n := len(s.w); n > 3 && (s.w[n-4] == 's' || s.w[n-4] == 't') {
			s.replace(3, "")
		}
		return
	}
	s.replace(len(suf), "")
}

func (s *porter2) step5() {
	n := len(s.w)
	if n == 0 {
		return
	}
	switch s.w[n-1] {
	case 'e':
		if s.inR2(1) || (s.inR1(1) && !endsShortSyllable(s.w[:n-1])) {
			s.replace(1, "")
		}
	case 'l':
		if s.inR2(1) && n > 1 && s.w[n-2] == 'l' {
			s.replace(1, "")
		}
	}
}
