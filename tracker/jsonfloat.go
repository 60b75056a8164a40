package tracker

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// JSON has no NaN or Infinity and encoding/json refuses them, but metrics
// may be NaN (a diverged loss) or infinite. The stores' JSON columns write
// those values as the strings "NaN", "Infinity" and "-Infinity" (what
// PostgreSQL prints for them) and read them back as floats.

// Float is a float64 that marshals NaN and ±Inf as JSON strings.
type Float float64

// MarshalJSON writes finite values as numbers (shortest representation that
// round-trips) and non-finite ones as "NaN", "Infinity" or "-Infinity".
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	case math.IsInf(v, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Infinity"`), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON reads a number or one of the strings MarshalJSON writes.
func (f *Float) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		switch s {
		case "NaN":
			*f = Float(math.NaN())
		case "Infinity", "+Infinity", "Inf", "+Inf":
			*f = Float(math.Inf(1))
		case "-Infinity", "-Inf":
			*f = Float(math.Inf(-1))
		default:
			return fmt.Errorf("metric value %q is not a number", s)
		}
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("metric value %s: %w", b, err)
	}
	*f = Float(v)
	return nil
}

// EncodeMetrics encodes a metric map as a JSON object with sorted keys,
// non-finite values as strings. A nil map encodes as null.
func EncodeMetrics(m map[string]float64) ([]byte, error) {
	if m == nil {
		return []byte("null"), nil
	}
	fm := make(map[string]Float, len(m))
	for k, v := range m {
		fm[k] = Float(v)
	}
	b, err := json.Marshal(fm)
	if err != nil {
		return nil, fmt.Errorf("encode metrics: %w", err)
	}
	return b, nil
}

// DecodeMetrics is the inverse of EncodeMetrics. Empty input or null gives
// a nil map.
func DecodeMetrics(b []byte) (map[string]float64, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	var fm map[string]Float
	if err := json.Unmarshal(b, &fm); err != nil {
		return nil, fmt.Errorf("decode metrics: %w", err)
	}
	if fm == nil {
		return nil, nil
	}
	m := make(map[string]float64, len(fm))
	for k, v := range fm {
		m[k] = float64(v)
	}
	return m, nil
}

// EncodeFloats encodes a slice as a JSON array, non-finite values as
// strings. A nil slice encodes as null.
func EncodeFloats(xs []float64) ([]byte, error) {
	if xs == nil {
		return []byte("null"), nil
	}
	buf := make([]byte, 0, 2+len(xs)*20)
	buf = append(buf, '[')
	for i, x := range xs {
		if i > 0 {
			buf = append(buf, ',')
		}
		b, _ := Float(x).MarshalJSON()
		buf = append(buf, b...)
	}
	return append(buf, ']'), nil
}

// DecodeFloats is the inverse of EncodeFloats.
func DecodeFloats(b []byte) ([]float64, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	var fs []Float
	if err := json.Unmarshal(b, &fs); err != nil {
		return nil, fmt.Errorf("decode floats: %w", err)
	}
	if fs == nil {
		return nil, nil
	}
	xs := make([]float64, len(fs))
	for i, f := range fs {
		xs[i] = float64(f)
	}
	return xs, nil
}
