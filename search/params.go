package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Kind is the type of a parameter value.
type Kind int

const (
	// KindString is a string value (Value.Str).
	KindString Kind = iota
	// KindInt is a 64-bit integer value (Value.Int).
	KindInt
	// KindFloat is a float64 value (Value.Float).
	KindFloat
	// KindBool is a boolean value (Value.Bool).
	KindBool
)

// Value is one parameter value: exactly the field named by Kind is
// meaningful.
type Value struct {
	Kind  Kind
	Str   string
	Int   int64
	Float float64
	Bool  bool
}

// String returns a Value of kind KindString.
func String(s string) Value { return Value{Kind: KindString, Str: s} }

// Int returns a Value of kind KindInt.
func Int(i int64) Value { return Value{Kind: KindInt, Int: i} }

// Float returns a Value of kind KindFloat.
func Float(f float64) Value { return Value{Kind: KindFloat, Float: f} }

// Bool returns a Value of kind KindBool.
func Bool(b bool) Value { return Value{Kind: KindBool, Bool: b} }

// String formats the value as a user would write it in a spec.
func (v Value) String() string {
	switch v.Kind {
	case KindInt:
		return strconv.FormatInt(v.Int, 10)
	case KindFloat:
		return formatFloat(v.Float)
	case KindBool:
		return strconv.FormatBool(v.Bool)
	}
	return v.Str
}

// AsFloat returns an int or float value as float64.
func (v Value) AsFloat() (float64, bool) {
	switch v.Kind {
	case KindInt:
		return float64(v.Int), true
	case KindFloat:
		return v.Float, true
	}
	return 0, false
}

// formatFloat always writes a decimal point or an exponent so that a float
// parameter reads back as a float.
func formatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEnI") {
		s += ".0"
	}
	return s
}

// MarshalJSON writes the value as a plain JSON scalar; floats always carry a
// decimal point or an exponent.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.Kind {
	case KindInt:
		return strconv.AppendInt(nil, v.Int, 10), nil
	case KindFloat:
		if math.IsNaN(v.Float) || math.IsInf(v.Float, 0) {
			return nil, fmt.Errorf("parameter value %v is not finite", v.Float)
		}
		return []byte(formatFloat(v.Float)), nil
	case KindBool:
		return strconv.AppendBool(nil, v.Bool), nil
	}
	return json.Marshal(v.Str)
}

// UnmarshalJSON reads a JSON scalar: a number without a decimal point or
// exponent is an int, any other number a float.
func (v *Value) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return fmt.Errorf("empty parameter value")
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = String(s)
	case string(b) == "true" || string(b) == "false":
		*v = Bool(string(b) == "true")
	case bytes.ContainsAny(b, ".eE"):
		f, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			return fmt.Errorf("parameter value %s: %w", b, err)
		}
		*v = Float(f)
	default:
		i, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil {
			return fmt.Errorf("parameter value %s: %w", b, err)
		}
		*v = Int(i)
	}
	return nil
}

// Params maps parameter names to values. It marshals to a JSON object with
// keys in sorted order.
type Params map[string]Value

// Names returns the parameter names in sorted order.
func (p Params) Names() []string {
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// String formats the params as "a=1 b=0.5 c=adam" in name order.
func (p Params) String() string {
	var sb strings.Builder
	for i, n := range p.Names() {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(n)
		sb.WriteByte('=')
		sb.WriteString(p[n].String())
	}
	return sb.String()
}
