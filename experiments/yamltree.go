package experiments

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// FieldError is a problem with one field of a spec file. Its message reads
// "quickstart.yaml:12: search.space.dropout.max: must be below 1, got 1.5".
type FieldError struct {
	File string // the spec file as named by the user
	Line int    // 1-based; 0 when the field is absent from the file
	Path string // dotted field path, e.g. "model.layers[1]"; empty for the whole file
	Msg  string
}

// maxShownRunes is how much of a value written in a spec an error echoes:
// a pasted paragraph or a runaway line would otherwise swamp the message.
const maxShownRunes = 60

// newFieldError makes every FieldError, so that every message echoes a
// user's value the same way: a quoted string longer than maxShownRunes
// (%q, strconv.Quote, or a downstream package's %q) is cut, keeping its
// start and its length in bytes.
func newFieldError(file string, line int, path, msg string) *FieldError {
	return &FieldError{File: file, Line: line, Path: path, Msg: shortenQuoted(msg)}
}

// goQuoted matches a string written with strconv.Quote or %q.
var goQuoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// shortenQuoted cuts each quoted string in msg that holds more than
// maxShownRunes runes: "aaaa"…(5000 bytes) shows the value's start and its
// full length.
func shortenQuoted(msg string) string {
	return goQuoted.ReplaceAllStringFunc(msg, func(q string) string {
		s, err := strconv.Unquote(q)
		if err != nil || utf8.RuneCountInString(s) <= maxShownRunes {
			return q
		}
		return strconv.Quote(clipRunes(s, maxShownRunes)) + fmt.Sprintf("…(%d bytes)", len(s))
	})
}

// quote quotes a user's value for a message outside a FieldError, cut as
// newFieldError cuts it.
func quote(s string) string { return shortenQuoted(strconv.Quote(s)) }

// clipRunes returns the first n runes of s.
func clipRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// maxPathRunes is the longest field path an error shows whole: far longer
// than any path of the spec's own keys, so only a key the user wrote (an
// unknown field, a class label) is ever cut.
const maxPathRunes = 100

// shownPath returns a field path for a message, cut as a value is when a
// key written in the file makes it long.
func shownPath(p string) string {
	if utf8.RuneCountInString(p) <= maxPathRunes {
		return p
	}
	return clipRunes(p, maxPathRunes) + fmt.Sprintf("…(%d bytes)", len(p))
}

// Error formats the error as file:line: path: message.
func (e *FieldError) Error() string {
	var sb strings.Builder
	sb.WriteString(e.File)
	if e.Line > 0 {
		sb.WriteString(":")
		sb.WriteString(strconv.Itoa(e.Line))
	}
	sb.WriteString(": ")
	if e.Path != "" {
		sb.WriteString(shownPath(e.Path))
		sb.WriteString(": ")
	}
	sb.WriteString(e.Msg)
	return sb.String()
}

// nodeKind is the shape of a YAML node once anchors and tags are unwrapped.
type nodeKind int

const (
	nodeNull nodeKind = iota
	nodeScalar
	nodeMap
	nodeSeq
)

// node is a YAML value reduced to what the spec decoder needs: its shape,
// line and, for mappings, keys in file order.
type node struct {
	kind nodeKind
	line int
	// scalar holds string, int64, uint64, float64 or bool; quoted marks a
	// scalar written in quotes (always a string).
	scalar any
	quoted bool
	// src is the text of a plain scalar that goccy reads as a string and
	// YAML 1.2 as a float (1e-3): a field that wants a string gets the text
	// as written, not the float reformatted.
	src    string
	keys   []string
	klines []int
	vals   []*node
	items  []*node
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 64

// parseTree parses src into a node tree. Syntax errors carry the line.
func parseTree(file string, src []byte) (*node, error) {
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		var yerr yaml.Error
		if errors.As(err, &yerr) && yerr.GetToken() != nil && yerr.GetToken().Position != nil {
			return nil, newFieldError(file, yerr.GetToken().Position.Line, "", "invalid YAML: "+oneLine(yerr.GetMessage()))
		}
		return nil, newFieldError(file, 0, "", "invalid YAML: "+oneLine(err.Error()))
	}
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	switch len(docs) {
	case 0:
		return nil, newFieldError(file, 0, "", "the spec is empty")
	case 1:
	default:
		return nil, newFieldError(file, lineOf(docs[1].Body), "", "a spec holds one YAML document, found several")
	}
	return convert(file, docs[0].Body, 0)
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func lineOf(n ast.Node) int {
	if n == nil {
		return 0
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return 0
	}
	return tk.Position.Line
}

// convert turns a goccy AST node into a node.
func convert(file string, n ast.Node, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, newFieldError(file, lineOf(n), "", "nesting is too deep")
	}
	line := lineOf(n)
	switch v := n.(type) {
	case nil:
		return &node{kind: nodeNull}, nil
	case *ast.NullNode:
		return &node{kind: nodeNull, line: line}, nil
	case *ast.StringNode:
		quoted := v.Token != nil && (v.Token.Type == token.SingleQuoteType || v.Token.Type == token.DoubleQuoteType)
		if !quoted {
			if f, ok := coreFloat(v.Value); ok {
				return &node{kind: nodeScalar, line: line, scalar: f, src: v.Value}, nil
			}
		}
		return &node{kind: nodeScalar, line: line, scalar: v.Value, quoted: quoted}, nil
	case *ast.LiteralNode:
		s := ""
		if v.Value != nil {
			s = v.Value.Value
		}
		return &node{kind: nodeScalar, line: line, scalar: s, quoted: true}, nil
	case *ast.IntegerNode:
		switch i := v.Value.(type) {
		case int64:
			return &node{kind: nodeScalar, line: line, scalar: i}, nil
		case uint64:
			return &node{kind: nodeScalar, line: line, scalar: i}, nil
		}
		return nil, newFieldError(file, line, "", fmt.Sprintf("unsupported integer %v", v.Value))
	case *ast.FloatNode:
		return &node{kind: nodeScalar, line: line, scalar: v.Value}, nil
	case *ast.InfinityNode:
		return &node{kind: nodeScalar, line: line, scalar: v.Value}, nil
	case *ast.NanNode:
		return &node{kind: nodeScalar, line: line, scalar: math.NaN()}, nil
	case *ast.BoolNode:
		return &node{kind: nodeScalar, line: line, scalar: v.Value}, nil
	case *ast.AnchorNode:
		return convert(file, v.Value, depth+1)
	case *ast.TagNode:
		return convert(file, v.Value, depth+1)
	case *ast.AliasNode:
		return nil, newFieldError(file, line, "", "YAML aliases are not supported in specs")
	case *ast.MappingValueNode:
		return convertMap(file, line, []*ast.MappingValueNode{v}, depth)
	case *ast.MappingNode:
		return convertMap(file, line, v.Values, depth)
	case *ast.SequenceNode:
		out := &node{kind: nodeSeq, line: line}
		for _, item := range v.Values {
			c, err := convert(file, item, depth+1)
			if err != nil {
				return nil, err
			}
			out.items = append(out.items, c)
		}
		return out, nil
	}
	return nil, newFieldError(file, line, "", fmt.Sprintf("unsupported YAML element %s", n.Type()))
}

// coreFloatSyntax is the YAML 1.2 core schema's float syntax, less .inf and
// .nan. goccy follows YAML 1.1, which wants a dot before an exponent, and
// leaves 1e-3 and 1E6 as strings.
var coreFloatSyntax = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// coreFloat reads s as a YAML 1.2 core float. A value beyond float64's range
// stays a string, as goccy leaves 1.0e400.
func coreFloat(s string) (float64, bool) {
	if !coreFloatSyntax.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

func convertMap(file string, line int, values []*ast.MappingValueNode, depth int) (*node, error) {
	out := &node{kind: nodeMap, line: line}
	for _, mv := range values {
		if mv == nil || mv.Key == nil {
			continue
		}
		kl := lineOf(mv.Key)
		if mv.Key.IsMergeKey() {
			return nil, newFieldError(file, kl, "", "YAML merge keys are not supported in specs")
		}
		key := ""
		switch k := mv.Key.(type) {
		case ast.ScalarNode:
			key = fmt.Sprint(k.GetValue())
		default:
			return nil, newFieldError(file, kl, "", "mapping keys must be plain names")
		}
		if slices.Contains(out.keys, key) {
			return nil, newFieldError(file, kl, "", fmt.Sprintf("duplicate key %q", key))
		}
		c, err := convert(file, mv.Value, depth+1)
		if err != nil {
			return nil, err
		}
		if c.line == 0 {
			c.line = kl
		}
		out.keys = append(out.keys, key)
		out.klines = append(out.klines, kl)
		out.vals = append(out.vals, c)
	}
	if out.line == 0 && len(out.klines) > 0 {
		out.line = out.klines[0]
	}
	return out, nil
}

// decoder fills Go values from nodes, keeping the first error and the line
// of every field it saw (for errors found later by Validate).
type decoder struct {
	file  string
	err   error
	lines map[string]int
}

func (d *decoder) fail(line int, path, format string, args ...any) {
	if d.err == nil {
		d.err = newFieldError(d.file, line, path, fmt.Sprintf(format, args...))
	}
}

// field is one known key of a mapping and how to decode its value.
type field struct {
	name   string
	decode func(n *node, path string)
}

// object decodes a mapping whose keys must all be among fields. A null node
// (an empty section) leaves every default in place.
func (d *decoder) object(n *node, path string, fields []field) {
	if d.err != nil || n.kind == nodeNull {
		return
	}
	if n.kind != nodeMap {
		d.fail(n.line, path, "must be a mapping with fields %s", fieldNames(fields))
		return
	}
	for i, key := range n.keys {
		p := join(path, key)
		d.lines[p] = n.klines[i]
		j := slices.IndexFunc(fields, func(f field) bool { return f.name == key })
		if j < 0 {
			d.fail(n.klines[i], p, "unknown field (known fields: %s)", fieldNames(fields))
			return
		}
		fields[j].decode(n.vals[i], p)
		if d.err != nil {
			return
		}
	}
}

func fieldNames(fields []field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *decoder) str(dst *string) func(*node, string) {
	return func(n *node, path string) {
		if n.kind != nodeScalar {
			d.fail(n.line, path, "must be a string")
			return
		}
		*dst = n.text()
	}
}

// text returns a scalar as a string: as written for a number in exponent
// form, else its value formatted.
func (n *node) text() string {
	if n.src != "" {
		return n.src
	}
	return scalarString(n.scalar)
}

func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

func (d *decoder) strs(dst *[]string) func(*node, string) {
	return func(n *node, path string) {
		if n.kind == nodeNull {
			*dst = nil
			return
		}
		if n.kind == nodeScalar {
			*dst = []string{n.text()}
			return
		}
		if n.kind != nodeSeq {
			d.fail(n.line, path, "must be a list of strings")
			return
		}
		out := make([]string, 0, len(n.items))
		for i, it := range n.items {
			if it.kind != nodeScalar {
				d.fail(it.line, fmt.Sprintf("%s[%d]", path, i), "must be a string")
				return
			}
			out = append(out, it.text())
		}
		*dst = out
	}
}

func (d *decoder) boolean(dst *bool) func(*node, string) {
	return func(n *node, path string) {
		b, ok := n.scalar.(bool)
		if n.kind != nodeScalar || !ok {
			d.fail(n.line, path, "must be true or false, got %s", describe(n))
			return
		}
		*dst = b
	}
}

// number reads an int or float scalar as float64.
func number(n *node) (float64, bool) {
	if n.kind != nodeScalar || n.quoted {
		return 0, false
	}
	switch x := n.scalar.(type) {
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// integer reads an int scalar, or a float with no fractional part.
func integer(n *node) (int64, bool) {
	if n.kind != nodeScalar || n.quoted {
		return 0, false
	}
	switch x := n.scalar.(type) {
	case int64:
		return x, true
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), true
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), true
		}
	}
	return 0, false
}

func describe(n *node) string {
	switch n.kind {
	case nodeNull:
		return "nothing"
	case nodeMap:
		return "a mapping"
	case nodeSeq:
		return "a list"
	}
	if s, ok := n.scalar.(string); ok {
		return strconv.Quote(s)
	}
	return n.text()
}

func (d *decoder) float(dst *float64) func(*node, string) {
	return func(n *node, path string) {
		f, ok := number(n)
		if !ok {
			d.fail(n.line, path, "must be a number, got %s", describe(n))
			return
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			d.fail(n.line, path, "must be a finite number, got %s", describe(n))
			return
		}
		*dst = f
	}
}

func (d *decoder) optFloat(dst **float64) func(*node, string) {
	return func(n *node, path string) {
		if n.kind == nodeNull {
			*dst = nil
			return
		}
		var f float64
		d.float(&f)(n, path)
		if d.err == nil {
			*dst = &f
		}
	}
}

func (d *decoder) integer(dst *int) func(*node, string) {
	return func(n *node, path string) {
		i, ok := integer(n)
		if !ok || i > math.MaxInt32 || i < math.MinInt32 {
			d.fail(n.line, path, "must be an integer, got %s", describe(n))
			return
		}
		*dst = int(i)
	}
}

// uint64 reads a non-negative integer, or a float with no fractional part
// (seed: 1e6).
func (d *decoder) uint64(dst *uint64) func(*node, string) {
	return func(n *node, path string) {
		if n.kind == nodeScalar && !n.quoted {
			switch x := n.scalar.(type) {
			case uint64:
				*dst = x
				return
			case int64:
				if x >= 0 {
					*dst = uint64(x)
					return
				}
			case float64:
				if x >= 0 && x == math.Trunc(x) && x < 1<<53 {
					*dst = uint64(x)
					return
				}
			}
		}
		d.fail(n.line, path, "must be a non-negative integer, got %s", describe(n))
	}
}

// duration reads a duration field as ParseDuration does; a number of
// seconds may be written unquoted (timeout: 5).
func (d *decoder) duration(dst *time.Duration) func(*node, string) {
	return func(n *node, path string) {
		if n.kind == nodeScalar {
			if v, err := ParseDuration(n.text()); err == nil {
				*dst = v
				return
			}
		}
		d.fail(n.line, path, "must be a duration such as 90s, 15m or 8h, or a number of seconds from 0 to 1e9, got %s", describe(n))
	}
}
