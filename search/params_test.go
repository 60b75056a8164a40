package search

import (
	"encoding/json"
	"math"
	"testing"
)

func TestValueJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Value
		out  string
	}{
		{`"adam"`, String("adam"), `"adam"`},
		{`3`, Int(3), `3`},
		{`-7`, Int(-7), `-7`},
		{`3.0`, Float(3), `3.0`},
		{`1e-3`, Float(0.001), `0.001`},
		{`2E2`, Float(200), `200.0`},
		{`true`, Bool(true), `true`},
		{` false `, Bool(false), `false`},
	}
	for _, tc := range tests {
		var v Value
		if err := json.Unmarshal([]byte(tc.in), &v); err != nil || v != tc.want {
			t.Errorf("Unmarshal(%s) = %+v, %v; want %+v", tc.in, v, err, tc.want)
			continue
		}
		b, err := json.Marshal(v)
		if err != nil || string(b) != tc.out {
			t.Errorf("Marshal(%+v) = %s, %v; want %s", v, b, err, tc.out)
		}
	}
	for _, bad := range []string{`1e999`, `99999999999999999999`, `nul`, `[1]`, `0x10`} {
		var v Value
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("Unmarshal(%s) = %+v, want an error", bad, v)
		}
	}
	if _, err := json.Marshal(Float(math.Inf(1))); err == nil {
		t.Error("Marshal(+Inf) succeeded")
	}
	p := Params{"b": Float(0.5), "a": Int(1), "c": String("x")}
	if b, _ := json.Marshal(p); string(b) != `{"a":1,"b":0.5,"c":"x"}` {
		t.Errorf("Marshal(params) = %s", b)
	}
	if s := p.String(); s != "a=1 b=0.5 c=x" {
		t.Errorf("Params.String() = %q", s)
	}
}

// FuzzValueJSON checks that whatever UnmarshalJSON accepts marshals back to
// text that reads as the same value, of the same kind.
func FuzzValueJSON(f *testing.F) {
	for _, s := range []string{`"x"`, `1`, `-1.5`, `1e-300`, `true`, `0.1`, `"é\n"`, `1.0`, `-0.0`, `0x1.8p1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var v Value
		if err := v.UnmarshalJSON(in); err != nil {
			return
		}
		if v.Kind == KindFloat && (math.IsNaN(v.Float) || math.IsInf(v.Float, 0)) {
			t.Fatalf("UnmarshalJSON(%q) gave a non-finite float %v", in, v.Float)
		}
		out, err := v.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON(%+v) from %q: %v", v, in, err)
		}
		var back Value
		if err := back.UnmarshalJSON(out); err != nil || back != v {
			t.Fatalf("%q → %+v → %s → %+v, %v", in, v, out, back, err)
		}
	})
}
