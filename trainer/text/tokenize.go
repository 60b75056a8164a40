package text

import (
	"encoding/binary"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Tokenize returns the terms of doc under o (after WithDefaults): normalised,
// case-folded, split into tokens, with stop words removed and stems taken.
// N-gram settings are ignored; it is the unigram stream Fit and Transform see.
// It returns an error only for invalid options.
func Tokenize(doc string, o Options) ([]string, error) {
	o = o.WithDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	in := newInterner(o, nil)
	ids := in.unigrams(doc, nil)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = in.texts[id]
	}
	return out, nil
}

// isStopWord reports whether w is in scikit-learn's English stop word list.
func isStopWord(w string) bool {
	i := sort.SearchStrings(englishStopWords[:], w)
	return i < len(englishStopWords) && englishStopWords[i] == w
}

// wordASCII marks the ASCII bytes that are word characters (\w).
var wordASCII = func() (t [128]bool) {
	for c := 0; c < 128; c++ {
		t[c] = c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
	}
	return t
}()

// isWord reports whether r belongs to a token: a letter, a number or '_', as
// Python's Unicode \w.
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return wordASCII[r]
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// interner turns documents into term ids. It caches the processing of every
// distinct token (case, stop words, stemming) and interns unigrams by text and
// n-grams by the ids of their words, so that the per-token cost is a map
// lookup without allocation.
type interner struct {
	o Options
	// vocab, when set, maps a term to its column; col then holds each
	// interned term's column or -1 (Transform). Nil during Fit.
	vocab *strTable
	col   []int32

	raw   *strTable        // case-folded token → term id, -1 for a stop word
	uni   map[string]int32 // unigram text (after stemming) → term id
	grams *strTable        // 4-byte ids of an n-gram's words → term id
	texts []string         // term id → text

	prep  []byte // prepared document
	lower []byte // lowercased document
	tok   []byte // lowercased token
	key   []byte // n-gram key
}

func newInterner(o Options, vocab *strTable) *interner {
	return &interner{
		o:     o,
		vocab: vocab,
		raw:   newStrTable(),
		uni:   make(map[string]int32),
		grams: newStrTable(),
	}
}

// addTerm interns a new term text and returns its id.
func (in *interner) addTerm(text string) int32 {
	id := int32(len(in.texts))
	in.texts = append(in.texts, text)
	if in.vocab != nil {
		c, ok := in.vocab.get(unsafeBytes(text))
		if !ok {
			c = -1
		}
		in.col = append(in.col, c)
	}
	return id
}

// token returns the id of the unigram for tok (already case-folded), or -1 if
// it is a stop word.
func (in *interner) token(tok []byte) int32 {
	if id, ok := in.raw.get(tok); ok {
		return id
	}
	s := string(tok)
	id := int32(-1)
	if in.o.StopWords != "english" || !isStopWord(s) {
		text := s
		switch in.o.Stemmer {
		case "snowball":
			text = SnowballEnglish(s)
		case "porter":
			text = PorterOriginal(s)
		}
		if text == "" {
			// Porter's algorithm reduces "s" to nothing; an empty term
			// carries no information, so it is dropped like a stop word.
			in.raw.put(tok, -1)
			return -1
		}
		if in.o.Stemmer == "none" {
			// Distinct tokens are distinct terms.
			id = in.addTerm(text)
		} else {
			var ok bool
			if id, ok = in.uni[text]; !ok {
				id = in.addTerm(text)
				in.uni[text] = id
			}
		}
	}
	in.raw.put(tok, id)
	return id
}

// gram returns the id of the n-gram of the given unigram ids.
func (in *interner) gram(ids []int32) int32 {
	in.key = in.key[:0]
	for _, id := range ids {
		in.key = binary.LittleEndian.AppendUint32(in.key, uint32(id))
	}
	if id, ok := in.grams.get(in.key); ok {
		return id
	}
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(in.texts[id])
	}
	id := in.addTerm(b.String())
	in.grams.put(in.key, id)
	return id
}

// terms appends to dst the ids of every n-gram of doc for n in
// [NGramMin, NGramMax], using uni as scratch for the unigram ids. It returns
// both slices for reuse.
func (in *interner) terms(doc string, dst, uni []int32) (terms, unigrams []int32) {
	uni = in.unigrams(doc, uni[:0])
	for n := in.o.NGramMin; n <= in.o.NGramMax; n++ {
		if n == 1 {
			dst = append(dst, uni...)
			continue
		}
		for i := 0; i+n <= len(uni); i++ {
			dst = append(dst, in.gram(uni[i:i+n]))
		}
	}
	return dst, uni
}

// isASCII reports whether s holds only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// unigrams appends the unigram ids of doc (stop words dropped) to dst.
func (in *interner) unigrams(doc string, dst []int32) []int32 {
	o := &in.o
	lower := o.Case == "lower"
	simple := o.Punctuation == "split" && o.Digits == "keep"
	ascii := isASCII(doc)
	if !(simple && ascii) {
		doc = in.prepare(doc, ascii)
		lower = false // prepare has folded case already
	}
	minRunes := o.MinTokenRunes
	start, runes := -1, 0
	emit := func(end int) {
		if runes >= minRunes {
			tok := doc[start:end]
			in.tok = append(in.tok[:0], tok...)
			if lower {
				for i, c := range in.tok {
					if 'A' <= c && c <= 'Z' {
						in.tok[i] = c + ('a' - 'A')
					}
				}
			}
			if id := in.token(in.tok); id >= 0 {
				dst = append(dst, id)
			}
		}
		start, runes = -1, 0
	}
	for i := 0; i < len(doc); {
		c := doc[i]
		var word bool
		size := 1
		if c < utf8.RuneSelf {
			word = wordASCII[c]
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(doc[i:])
			word = r != utf8.RuneError && isWord(r)
		}
		if word {
			if start < 0 {
				start = i
			}
			runes++
		} else if start >= 0 {
			emit(i)
		}
		i += size
	}
	if start >= 0 {
		emit(len(doc))
	}
	return dst
}

// prepare applies normalisation, case folding, accent stripping and the
// punctuation and digit rules to doc; ascii is isASCII(doc). The result
// aliases in.prep or doc and is valid until the next call.
func (in *interner) prepare(doc string, ascii bool) string {
	o := &in.o
	lower := o.Case == "lower"
	if !ascii {
		// Normalisation may leave ASCII text ("ﬁ" becomes "fi"); the steps
		// below then change nothing that the ASCII path would not: on ASCII
		// text appendLower is the ASCII lowercasing and stripAccents the
		// identity.
		switch o.Normalize {
		case "nfkc":
			doc = norm.NFKC.String(doc)
		case "nfc":
			doc = norm.NFC.String(doc)
		}
		if lower {
			// Python's lowercasing needs context (final sigma), so it
			// runs on the whole document, and before accent stripping as
			// in scikit-learn.
			in.lower = appendLower(in.lower[:0], doc)
			doc = unsafeString(in.lower)
			lower = false
		}
		if o.StripAccents != "none" {
			doc = stripAccents(doc, o.StripAccents == "ascii")
		}
	}
	p := in.prep[:0]
	for _, r := range doc {
		switch {
		case o.Punctuation == "remove" && unicode.IsPunct(r):
			continue
		case o.Digits != "keep" && unicode.IsDigit(r):
			if o.Digits == "remove" {
				continue
			}
			r = '0'
		case lower: // ASCII only here
			r = unicode.ToLower(r)
		}
		p = utf8.AppendRune(p, r)
	}
	in.prep = p
	return unsafeString(p)
}

// stripAccents decomposes s (NFKD) and drops combining marks (canonical
// combining class non-zero), or, with ascii, every non-ASCII character, as
// scikit-learn's strip_accents_unicode and strip_accents_ascii.
func stripAccents(s string, ascii bool) string {
	d := norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for i := 0; i < len(d); {
		p := norm.NFKD.PropertiesString(d[i:])
		r, size := utf8.DecodeRuneInString(d[i:])
		switch {
		case ascii && r >= utf8.RuneSelf:
		case !ascii && p.CCC() != 0:
		default:
			b.WriteString(d[i : i+size])
		}
		i += size
	}
	return b.String()
}
