package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// defaultMissingValues are the cell values read as missing when
// LoadOptions.MissingValues is empty. Matching is exact after trimming spaces.
var defaultMissingValues = []string{"", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"}

// DefaultMissingValues returns the cell values read as missing when
// LoadOptions.MissingValues is empty: "", NA, N/A, NaN, nan, null, NULL and ?.
func DefaultMissingValues() []string { return slices.Clone(defaultMissingValues) }

// LoadOptions says how to read a CSV file. The zero value reads a
// comma-separated file (tab-separated when the name ends in .tsv or .tsv.gz)
// whose label column is "label" and whose text column, if present, is "text".
type LoadOptions struct {
	// Label names the label column [label]. Its cells are trimmed of
	// leading and trailing white space, as numeric cells are.
	Label string `json:"label"`
	// LabelOptional lets the label column be absent (prediction input); the
	// Table's Labels are then nil. A missing-value cell in a present label
	// column then reads as the empty label (an unlabelled row) instead of
	// an error.
	LabelOptional bool `json:"label_optional,omitempty"`
	// Text names the text column [text]. When the header has it the file is
	// read as text data: that column is the only feature and the other
	// non-label columns are ignored. Otherwise every named non-label column
	// (or those named in Features) is a numeric feature; a column whose
	// name is empty or white space (a pandas index, a trailing separator)
	// is ignored unless Features names it.
	Text string `json:"text"`
	// TextRequired makes a header without the Text column an error naming
	// it, instead of reading the file as numeric data; for files applied to
	// a pipeline fitted on text. It is not part of what the options record.
	TextRequired bool `json:"-"`
	// Features, when not empty, selects the numeric feature columns by name,
	// in this order; other columns are ignored.
	Features []string `json:"features,omitempty"`
	// FeaturesFitted says that Features are the columns a fitted pipeline
	// needs, not a user's list: a missing one is reported as a feature the
	// model was trained on. It is not part of what the options record.
	FeaturesFitted bool `json:"-"`
	// Comma is the field separator; 0 means ',' or '\t' for .tsv files.
	Comma rune `json:"comma,omitempty"`
	// MissingValues lists the cell values read as missing; empty means
	// DefaultMissingValues.
	MissingValues []string `json:"missing_values,omitempty"`
	// DropMalformed drops malformed rows (wrong field count, unparsable or
	// infinite number, missing label) instead of failing; Table.Dropped
	// counts them.
	DropMalformed bool `json:"drop_malformed,omitempty"`
}

// WithDefaults returns o with empty fields set to their defaults for a file
// named name.
func (o LoadOptions) WithDefaults(name string) LoadOptions {
	if o.Label == "" {
		o.Label = "label"
	}
	if o.Text == "" {
		o.Text = "text"
	}
	if o.Comma == 0 {
		o.Comma = ','
		base := strings.TrimSuffix(strings.ToLower(name), ".gz")
		if strings.HasSuffix(base, ".tsv") || strings.HasSuffix(base, ".tab") {
			o.Comma = '\t'
		}
	}
	if len(o.MissingValues) == 0 {
		o.MissingValues = DefaultMissingValues()
	}
	return o
}

// Validate reports an option that cannot work, naming its field.
func (o LoadOptions) Validate() error {
	if !utf8.ValidRune(o.Comma) {
		return fmt.Errorf("load options: comma: %d is not a Unicode character", o.Comma)
	}
	if o.Comma == '"' || o.Comma == '\r' || o.Comma == '\n' || o.Comma == utf8.RuneError {
		return fmt.Errorf("load options: comma: %q cannot separate fields", o.Comma)
	}
	if o.Label == o.Text && o.Label != "" {
		return fmt.Errorf("load options: text: %q is also the label column", o.Text)
	}
	seen := make(map[string]bool, len(o.Features))
	for i, f := range o.Features {
		if seen[f] {
			return fmt.Errorf("load options: features[%d]: %q listed twice", i, f)
		}
		if f == o.Label {
			return fmt.Errorf("load options: features[%d]: %q is the label column", i, f)
		}
		seen[f] = true
	}
	return nil
}

// ColumnKind says how a column of the file was read.
type ColumnKind string

// Column kinds reported in Table.Columns.
const (
	KindNumeric ColumnKind = "numeric" // a numeric feature
	KindText    ColumnKind = "text"    // the text feature
	KindLabel   ColumnKind = "label"   // the class label
	KindIgnored ColumnKind = "ignored" // present in the file but not used
)

// Column describes one column of the file.
type Column struct {
	Name string     `json:"name"`
	Kind ColumnKind `json:"kind"`
	// Missing counts the cells of this column read as missing, in kept rows.
	Missing int `json:"missing"`
}

// blockRows is the number of rows per storage block: numeric rows are kept in
// fixed-size blocks so that loading never holds two copies of the data (a
// growing slice would briefly hold both the old and the new backing array).
const blockRows = 1024

// Table is a loaded data file: raw feature values, label strings and
// what was learnt while reading. Numeric missing cells are NaN.
type Table struct {
	// Name is the path the table was read from.
	Name string
	// Fingerprint is the hex SHA-256 of the file's bytes (as stored, before
	// decompression) followed by the JSON of the loading options with
	// defaults applied.
	Fingerprint string
	// Options are the loading options with defaults applied.
	Options LoadOptions
	// Columns lists every header column with its kind and missing count.
	Columns []Column
	// Features names the numeric feature columns in order (nil for text).
	Features []string
	// Docs holds the text column, one document per row (nil for numeric).
	Docs []string
	// Labels holds the label of each row with leading and trailing white
	// space (unicode.IsSpace) removed, so that "setosa " and "setosa" are one
	// class; nil when the label column is absent and LabelOptional was set.
	// Numeric cells are trimmed the same way before parsing; the text column
	// is kept as written (the vectorizer tokenises it).
	Labels []string
	// Lines holds the 1-based source line where each row starts.
	Lines []int
	// Dropped counts rows dropped because DropMalformed was set, and
	// DroppedReasons holds the first few reasons.
	Dropped        int
	DroppedReasons []string

	rows   int
	blocks [][]float64 // numeric values, blockRows rows of len(Features) each
}

// maxDroppedReasons bounds Table.DroppedReasons.
const maxDroppedReasons = 10

// Len returns the number of rows.
func (t *Table) Len() int { return t.rows }

// IsText reports whether the table holds a text feature column.
func (t *Table) IsText() bool { return t.Docs != nil }

// Row returns the numeric features of row i (NaN where missing). The slice
// aliases the table: do not modify it. It panics if i is out of range, as
// slice indexing does.
func (t *Table) Row(i int) []float64 {
	if i < 0 || i >= t.rows {
		panic(fmt.Sprintf("data: row %d out of range [0, %d)", i, t.rows))
	}
	d := len(t.Features)
	b := t.blocks[i/blockRows]
	o := (i % blockRows) * d
	return b[o : o+d : o+d]
}

// hasMissing reports whether numeric row i has a missing feature: the rows
// impute "drop" leaves out.
func (t *Table) hasMissing(i int) bool {
	return !t.IsText() && slices.ContainsFunc(t.Row(i), math.IsNaN)
}

// MissingLines returns the source lines of the first max rows with a
// missing numeric feature (those impute "drop" leaves out), ascending; nil
// for text data or when no row has one.
func (t *Table) MissingLines(max int) []int {
	var lines []int
	for i := 0; i < t.rows && len(lines) < max; i++ {
		if t.hasMissing(i) {
			lines = append(lines, t.Lines[i])
		}
	}
	return lines
}

// Where returns "file:line" for row i, for error messages.
func (t *Table) Where(i int) string {
	if i >= 0 && i < len(t.Lines) {
		return fmt.Sprintf("%s:%d", t.Name, t.Lines[i])
	}
	return fmt.Sprintf("%s: row %d", t.Name, i)
}

func (t *Table) appendRow(vals []float64) {
	d := len(t.Features)
	if t.rows%blockRows == 0 {
		t.blocks = append(t.blocks, make([]float64, 0, blockRows*d))
	}
	last := len(t.blocks) - 1
	t.blocks[last] = append(t.blocks[last], vals...)
	t.rows++
}

// Load reads a CSV or TSV file with a header row; a name ending in .gz (or
// gzip content) is decompressed transparently; a truncated or corrupt gzip
// stream is an error that says after which line the damage starts (and
// wraps the gzip error), never a table of the rows before it. See
// LoadOptions for which columns become features. The file is read as a
// stream; only the parsed values are kept.
func Load(ctx context.Context, path string, opts LoadOptions) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	defer f.Close()
	t, err := Read(ctx, f, path, opts)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err) // Read's errors name the file
	}
	return t, nil
}

// Read is Load on an already open stream; name is used for the separator
// default and in error messages.
func Read(ctx context.Context, r io.Reader, name string, opts LoadOptions) (*Table, error) {
	opts = opts.WithDefaults(name)
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	h := sha256.New()
	br := bufio.NewReaderSize(io.TeeReader(r, h), 1<<16)
	var src io.Reader = br
	var gz *gzipSource
	magic, err := br.Peek(2)
	switch {
	case len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: gzip header truncated: %w", name, err)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: gzip header corrupt: %w", name, err)
		}
		defer zr.Close()
		gz = &gzipSource{zr: zr}
		src = gz
	case err != nil && !errors.Is(err, io.EOF):
		return nil, fmt.Errorf("%s: %w", name, err)
	case strings.HasSuffix(strings.ToLower(name), ".gz"):
		return nil, notGzipError(name, br)
	}
	p := &parser{name: name, opts: opts, t: &Table{Name: name, Options: opts}}
	err = p.read(ctx, src)
	if gz != nil && gz.err != nil {
		// Report the damage rather than what it did to the CSV (a short
		// last row, an unterminated quote): the rows are not all there.
		return nil, gz.error(name)
	}
	if err != nil {
		return nil, err
	}
	// Drain whatever the CSV reader did not consume so the hash covers the
	// whole file (gzip trailers, trailing bytes).
	if _, err := io.Copy(io.Discard, br); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p.t.Fingerprint = fingerprint(h, opts)
	return p.t, nil
}

// gzipSource is a gzip stream that counts the complete lines it has
// delivered and keeps its first error, so that a truncated or corrupt file
// is reported as such with where the damage starts.
type gzipSource struct {
	zr    *gzip.Reader
	lines int
	err   error
}

func (g *gzipSource) Read(b []byte) (int, error) {
	n, err := g.zr.Read(b)
	g.lines += bytes.Count(b[:n], []byte{'\n'})
	if err != nil && !errors.Is(err, io.EOF) && g.err == nil {
		g.err = err
	}
	return n, err
}

// error describes g.err for the file name, wrapping it.
func (g *gzipSource) error(name string) error {
	what := "corrupt"
	if errors.Is(g.err, io.ErrUnexpectedEOF) {
		what = "truncated"
	}
	if g.lines == 0 {
		return fmt.Errorf("%s: gzip stream %s before the end of line 1: %w", name, what, g.err)
	}
	return fmt.Errorf("%s: gzip stream %s after line %d: %w", name, what, g.lines, g.err)
}

// notGzipError says what a file whose name ends in .gz holds instead of
// gzip data, from its first bytes.
func notGzipError(name string, br *bufio.Reader) error {
	head, _ := br.Peek(6)
	kind := ""
	switch {
	case len(head) == 0:
		return fmt.Errorf("%s: name ends in .gz but the file is empty", name)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		kind = "a zip archive"
	case bytes.HasPrefix(head, []byte("BZh")):
		kind = "bzip2 data"
	case bytes.HasPrefix(head, []byte("\xfd7zXZ\x00")):
		kind = "xz data"
	case bytes.HasPrefix(head, []byte("\x28\xb5\x2f\xfd")):
		kind = "zstd data"
	default:
		return fmt.Errorf("%s: name ends in .gz but the content is not gzip; if it is plain CSV, rename it without .gz", name)
	}
	return fmt.Errorf("%s: name ends in .gz but the content is %s, not gzip; decompress it, or recompress it with gzip", name, kind)
}

func fingerprint(h hash.Hash, opts LoadOptions) string {
	file := h.Sum(nil)
	o, _ := json.Marshal(opts) // plain struct of strings, bools and ints: cannot fail
	f := sha256.New()
	f.Write(file)
	f.Write(o)
	return hex.EncodeToString(f.Sum(nil))
}

type parser struct {
	name string
	opts LoadOptions
	t    *Table

	missing  map[string]bool
	labelCol int   // -1 when absent
	textCol  int   // -1 for numeric tables
	featCols []int // file column of each numeric feature
	vals     []float64
}

// rowError is a malformed row: fatal unless DropMalformed is set.
type rowError struct{ msg string }

func (e *rowError) Error() string { return e.msg }

func (p *parser) read(ctx context.Context, src io.Reader) error {
	cr := csv.NewReader(src)
	cr.Comma = p.opts.Comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: empty file: no header row", p.name)
	}
	if err != nil {
		return fmt.Errorf("%s: header: %w", p.name, err)
	}
	if err := p.header(slices.Clone(header)); err != nil {
		return err
	}
	p.missing = make(map[string]bool, len(p.opts.MissingValues))
	for _, m := range p.opts.MissingValues {
		p.missing[strings.TrimSpace(m)] = true
	}
	p.vals = make([]float64, len(p.featCols))
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
		}
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// A CSV syntax error (bare quote, unterminated field) may
			// desynchronise the reader, so it is fatal even with
			// DropMalformed.
			return fmt.Errorf("%s: %w", p.name, err)
		}
		line, _ := cr.FieldPos(0)
		if err := p.row(cr, rec, line, len(header)); err != nil {
			var re *rowError
			if errors.As(err, &re) && p.opts.DropMalformed {
				if len(p.t.DroppedReasons) < maxDroppedReasons {
					p.t.DroppedReasons = append(p.t.DroppedReasons, re.msg)
				}
				p.t.Dropped++
				continue
			}
			if errors.As(err, &re) {
				return fmt.Errorf("%s (set drop_malformed to drop such rows)", err)
			}
			return err
		}
	}
	if p.t.rows == 0 {
		if p.t.Dropped > 0 {
			return fmt.Errorf("%s: no data rows left: all %d rows were malformed (first: %s)",
				p.name, p.t.Dropped, p.t.DroppedReasons[0])
		}
		return fmt.Errorf("%s: header only: no data rows", p.name)
	}
	if p.textCol >= 0 {
		empty := true
		for _, d := range p.t.Docs {
			if strings.TrimSpace(d) != "" {
				empty = false
				break
			}
		}
		if empty {
			return fmt.Errorf("%s: text column %q: every value is empty", p.name, p.opts.Text)
		}
	}
	return nil
}

func (p *parser) header(header []string) error {
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\uFEFF") // UTF-8 byte-order mark
	}
	index := make(map[string]int, len(header))
	p.t.Columns = make([]Column, len(header))
	for i, h := range header {
		prev, ok := index[h]
		switch {
		case !ok:
			index[h] = i
		case strings.TrimSpace(h) != "" || slices.Contains(p.opts.Features, h) || h == p.opts.Label || h == p.opts.Text:
			return fmt.Errorf("%s:1: duplicate column name %q (columns %d and %d)", p.name, h, prev+1, i+1)
		}
		// Several unnamed columns (a pandas index and a trailing
		// separator) are all ignored unless a name above picks them.
		p.t.Columns[i] = Column{Name: h, Kind: KindIgnored}
	}
	p.labelCol = -1
	if i, ok := index[p.opts.Label]; ok {
		p.labelCol = i
		p.t.Columns[i].Kind = KindLabel
		p.t.Labels = []string{}
	} else if !p.opts.LabelOptional {
		return fmt.Errorf("%s:1: label column %q not found in header %q%s", p.name, p.opts.Label, header, p.missingColumnHint(header, p.opts.Label))
	}
	p.textCol = -1
	if i, ok := index[p.opts.Text]; ok && len(p.opts.Features) == 0 {
		p.textCol = i
		p.t.Columns[i].Kind = KindText
		p.t.Docs = []string{}
		return nil
	}
	if p.opts.TextRequired {
		return fmt.Errorf("%s:1: text column %q not found in header %q%s", p.name, p.opts.Text, header, p.missingColumnHint(header, p.opts.Text))
	}
	if len(p.opts.Features) > 0 {
		for k, f := range p.opts.Features {
			i, ok := index[f]
			if !ok {
				if p.opts.FeaturesFitted {
					return fmt.Errorf("%s:1: column %q (a feature the model was trained on) not found in header %q%s", p.name, f, header, p.missingColumnHint(header, f))
				}
				return fmt.Errorf("%s:1: features[%d]: column %q not found in header%s", p.name, k, f, p.missingColumnHint(header, f))
			}
			p.featCols = append(p.featCols, i)
		}
	} else {
		unnamed := 0
		for i, h := range header {
			switch {
			case i == p.labelCol:
			case strings.TrimSpace(h) == "":
				// Row numbers written by pandas' to_csv, or the empty
				// cells after a trailing separator: never a feature,
				// and the row numbers of a file sorted by class would
				// give the label away.
				unnamed++
			default:
				p.featCols = append(p.featCols, i)
			}
		}
		if len(p.featCols) == 0 && unnamed > 0 {
			noun := "columns"
			if unnamed == 1 {
				noun = "column"
			}
			return fmt.Errorf("%s:1: no feature columns: the header has the label column %q, no text column %q and %d unnamed %s; name the feature columns",
				p.name, p.opts.Label, p.opts.Text, unnamed, noun)
		}
	}
	if len(p.featCols) == 0 {
		return fmt.Errorf("%s:1: no feature columns: the header has only the label column %q and no text column %q",
			p.name, p.opts.Label, p.opts.Text)
	}
	for _, i := range p.featCols {
		p.t.Columns[i].Kind = KindNumeric
		p.t.Features = append(p.t.Features, header[i])
	}
	return nil
}

// missingColumnHint returns why column want may be absent from header, to
// append to the error: a file with another separator (a European-style CSV
// separated by ';') reads as a single column, a file whose lines end in a
// bare carriage return reads as a single line, a UTF-16 file's names carry
// NUL bytes, and a name may differ from want only in white space. It
// returns "" when it has no guess.
func (p *parser) missingColumnHint(header []string, want string) string {
	if len(header) > 0 && (strings.HasPrefix(header[0], "\xff\xfe") || strings.HasPrefix(header[0], "\xfe\xff")) {
		return ": the file looks UTF-16 encoded; save it as UTF-8"
	}
	if len(header) == 1 {
		best, n := rune(0), 0
		for _, c := range ";\t|," {
			if k := strings.Count(header[0], string(c)); c != p.opts.Comma && k > n {
				best, n = c, k
			}
		}
		if n > 0 {
			return fmt.Sprintf(": header has one column %q: is the file separated by %q? set comma to %q", header[0], best, string(best))
		}
	}
	for _, h := range header {
		if strings.ContainsRune(h, '\r') {
			return ": the lines seem to end in a bare carriage return (\\r); save the file with \\n or \\r\\n line endings"
		}
	}
	for _, h := range header {
		if h != want && strings.TrimSpace(h) == strings.TrimSpace(want) {
			return fmt.Sprintf(": column %q differs only in white space", h)
		}
	}
	return ""
}

func (p *parser) row(cr *csv.Reader, rec []string, line, want int) error {
	if len(rec) != want {
		return &rowError{fmt.Sprintf("%s:%d: %d fields, header has %d", p.name, line, len(rec), want)}
	}
	label := ""
	if p.labelCol >= 0 {
		label = strings.TrimSpace(rec[p.labelCol])
		if p.missing[label] {
			if !p.opts.LabelOptional {
				return &rowError{fmt.Sprintf("%s:%d: column %q: missing label", p.name, line, p.opts.Label)}
			}
			label = ""
		}
	}
	if p.textCol >= 0 {
		// Clone: a field aliases the whole record's string.
		doc := strings.Clone(rec[p.textCol])
		if p.missing[strings.TrimSpace(doc)] {
			p.t.Columns[p.textCol].Missing++
			doc = ""
		}
		p.t.Docs = append(p.t.Docs, doc)
		p.t.rows++
	} else {
		nMissing := 0
		for k, i := range p.featCols {
			s := strings.TrimSpace(rec[i])
			// Parse first: the missing-value lookup only runs for cells
			// that are not plain numbers ("NaN" parses, so it is checked).
			v, err := parseNumber(s)
			if (err != nil || math.IsNaN(v)) && p.missing[s] {
				p.vals[k] = math.NaN()
				nMissing++
				continue
			}
			if err != nil && !errors.Is(err, strconv.ErrRange) {
				fl, col := cr.FieldPos(i)
				msg := fmt.Sprintf("%s:%d:%d: column %q: %q is not a number", p.name, fl, col, p.t.Columns[i].Name, rec[i])
				if dot, ok := decimalComma(s); ok {
					msg += ": decimal commas are not read; write " + dot
					if whole, frac, _ := strings.Cut(strings.TrimLeft(s, "+-"), ","); len(frac) == 3 && len(whole) <= 3 {
						// "1,000" may also be a thousands separator.
						msg += " (or " + strings.Replace(s, ",", "", 1) + " if the comma separates thousands)"
					}
				} else if p.t.rows == 0 && p.t.Dropped == 0 {
					// First data row: more likely a text or id column
					// than a typo.
					msg += fmt.Sprintf("; if it is the text column, set text to %q; to skip it, list the numeric columns in features", p.t.Columns[i].Name)
				}
				return &rowError{msg}
			}
			if math.IsInf(v, 0) || math.IsNaN(v) {
				fl, col := cr.FieldPos(i)
				return &rowError{fmt.Sprintf("%s:%d:%d: column %q: %q is not finite", p.name, fl, col, p.t.Columns[i].Name, rec[i])}
			}
			p.vals[k] = v
		}
		if nMissing > 0 {
			for k, i := range p.featCols {
				if math.IsNaN(p.vals[k]) {
					p.t.Columns[i].Missing++
				}
			}
		}
		p.t.appendRow(p.vals)
	}
	if p.labelCol >= 0 {
		p.t.Labels = append(p.t.Labels, strings.Clone(label))
	}
	p.t.Lines = append(p.t.Lines, line)
	return nil
}

// decimalComma reports whether s is a number written with a decimal comma
// (digits, one comma, digits, optionally signed), and returns it with a
// dot instead.
func decimalComma(s string) (string, bool) {
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 {
		return "", false
	}
	whole, frac, ok := strings.Cut(body, ",")
	if !ok || !allDigits(whole) || !allDigits(frac) {
		return "", false
	}
	return s[:len(s)-len(body)] + whole + "." + frac, true
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseNumber is strconv.ParseFloat with a fast path for short decimal
// integers (pixel values, counts), which are most cells of wide numeric
// files; any integer below 2^53 converts to float64 exactly, as ParseFloat
// would.
func parseNumber(s string) (float64, error) {
	if n := len(s); n > 0 && n <= 15 {
		i, neg := 0, false
		if s[0] == '-' || s[0] == '+' {
			neg, i = s[0] == '-', 1
		}
		if i < n {
			var v int64
			for ; i < n; i++ {
				c := s[i] - '0'
				if c > 9 {
					break
				}
				v = v*10 + int64(c)
			}
			if i == n {
				if neg {
					if v == 0 {
						return math.Copysign(0, -1), nil
					}
					v = -v
				}
				return float64(v), nil
			}
		}
	}
	return strconv.ParseFloat(s, 64)
}

// Summary describes the table in a few lines for logs and reports: rows,
// each column's kind and missing count, the number of distinct labels and
// any rows dropped as malformed.
func (t *Table) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d rows", t.Name, t.rows)
	if t.Labels != nil {
		seen := make(map[string]bool)
		for _, l := range t.Labels {
			seen[l] = true
		}
		fmt.Fprintf(&b, ", %d classes in %q", len(seen), t.Options.Label)
	}
	if t.Dropped > 0 {
		fmt.Fprintf(&b, ", %d malformed rows dropped (first: %s)", t.Dropped, t.DroppedReasons[0])
	}
	b.WriteString("\n")
	for _, c := range t.Columns {
		fmt.Fprintf(&b, "  %-20s %-8s %d missing\n", c.Name, c.Kind, c.Missing)
	}
	return b.String()
}
