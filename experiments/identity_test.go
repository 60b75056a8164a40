package experiments

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

const identityBase = `# a study
name: id
data:
  path: wine.csv
model:
  layers: [8]
  epochs: 5
search:
  trials: 2
  space:
    units: {values: [4, 8]}
    dropout: {min: 0, max: 0.5}
`

// stored is a spec as Study stores it.
func stored(src string) []byte { return []byte(specDirHeader + "/data\n" + src) }

func mustParse(t *testing.T, src string) *Spec {
	t.Helper()
	s, err := Parse("id.yaml", "/data", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestResumeDiff: edits that leave the trials as they were may resume a
// study; others are named by their field path.
func TestResumeDiff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, edited string
		want         string // the first difference; "" for none
	}{
		{"unchanged", identityBase, ""},
		{"comment", strings.Replace(identityBase, "  epochs: 5\n", "  epochs: 5 # short\n# more\n", 1), ""},
		{"layout and key order", "name: id\nsearch:\n  space:\n    units:   {values: [4, 8]}\n    dropout: {max: 0.5, min: 0}\n  trials: 2\nmodel: {epochs: 5, layers: [8]}\ndata: {path: wine.csv}\n", ""},
		{"defaults written out", strings.Replace(identityBase, "  epochs: 5\n", "  epochs: 5\n  learning_rate: 0.001\n  activation: relu\n  batch_size: 32\n", 1), ""},
		{"more trials, in parallel", strings.Replace(identityBase, "  trials: 2\n", "  trials: 20\n  parallel: 4\n  timeout: 1h\n  max_retries: 3\n  target: 0.9\n", 1), ""},
		{"trial timeout", strings.Replace(identityBase, "  trials: 2\n", "  trials: 2\n  trial_timeout: 10m\n", 1), ""},
		{"another name and seed", strings.Replace(identityBase, "name: id\n", "name: other\nseed: 7\n", 1), ""},
		{"space values", strings.Replace(identityBase, "[4, 8]", "[4, 16]", 1), "search.space.units: values [4 8] → values [4 16]"},
		{"model field", strings.Replace(identityBase, "  epochs: 5\n", "  epochs: 6\n", 1), "model.epochs: 5 → 6"},
		{"model field beside a trial timeout", strings.Replace(strings.Replace(identityBase, "  epochs: 5\n", "  epochs: 6\n", 1), "  trials: 2\n", "  trials: 2\n  trial_timeout: 1m\n", 1),
			"model.epochs: 5 → 6"},
		{"space range", strings.Replace(identityBase, "max: 0.5", "max: 0.4", 1), "search.space.dropout: range [0, 0.5] → range [0, 0.4]"},
		{"space order", "name: id\ndata: {path: wine.csv}\nmodel: {layers: [8], epochs: 5}\nsearch:\n  trials: 2\n  space:\n    dropout: {min: 0, max: 0.5}\n    units: {values: [4, 8]}\n",
			"search.space: [units dropout] → [dropout units]"},
		{"parameter added", strings.Replace(identityBase, "    dropout:", "    l2: 0.01\n    dropout:", 1), "search.space.l2: absent → fixed 0.01"},
		{"parameter removed", strings.Replace(identityBase, "    dropout: {min: 0, max: 0.5}\n", "", 1), "search.space: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			diffs, err := mustParse(t, tc.edited).ResumeDiff(stored(identityBase))
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if len(diffs) > 0 {
					t.Errorf("ResumeDiff = %q, want none", diffs)
				}
				return
			}
			if len(diffs) == 0 || !strings.HasPrefix(diffs[0], tc.want) {
				t.Errorf("ResumeDiff = %q, want the first to start with %q", diffs, tc.want)
			}
		})
	}
}

// resumeNeutral are the Spec fields that may change on resuming.
var resumeNeutral = map[string]bool{
	"File": true, "Source": true, "Dir": true, "lines": true, "dataDir": true, "stored": true, "Name": true, "Seed": true,
	"Search.Trials": true, "Search.Parallel": true, "Search.Timeout": true, "Search.TrialTimeout": true, "Search.Target": true, "Search.MaxRetries": true,
	"Search.Space": true, // TestResumeDiff covers the space
}

// TestIdentityCoversSpec changes every other field of a Spec in turn and
// checks that its identity changes, so that a field added to Spec without
// a line in identity is caught.
func TestIdentityCoversSpec(t *testing.T) {
	t.Parallel()
	base := mustParse(t, identityBase)
	want := canonicalIdentity(base)
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		if resumeNeutral[path] {
			return
		}
		if v.Kind() == reflect.Struct && v.Type() != reflect.TypeOf(time.Duration(0)) {
			for i := range v.NumField() {
				p := v.Type().Field(i).Name
				if path != "" {
					p = path + "." + p
				}
				walk(v.Field(i), p)
			}
			return
		}
		s := mustParse(t, identityBase)
		field := reflect.ValueOf(s).Elem().FieldByIndex(fieldIndex(t, reflect.TypeOf(*s), path))
		switch field.Kind() {
		case reflect.String:
			field.SetString(field.String() + "x")
		case reflect.Int, reflect.Int64:
			field.SetInt(field.Int() + 3)
		case reflect.Uint64:
			field.SetUint(field.Uint() + 3)
		case reflect.Float64:
			field.SetFloat(field.Float() + 0.25)
		case reflect.Bool:
			field.SetBool(!field.Bool())
		case reflect.Slice:
			field.Set(reflect.Append(field, reflect.New(field.Type().Elem()).Elem()))
		case reflect.Map:
			m := reflect.MakeMap(field.Type())
			m.SetMapIndex(reflect.ValueOf("c"), reflect.ValueOf(1))
			field.Set(m)
		case reflect.Pointer:
			field.Set(reflect.New(field.Type().Elem()))
		default:
			t.Fatalf("%s: no change for a %s", path, field.Kind())
		}
		if canonicalIdentity(s) == want {
			t.Errorf("changing %s leaves the spec's identity as it was", path)
		}
	}
	walk(reflect.ValueOf(*base), "")
}

func canonicalIdentity(s *Spec) string {
	var sb strings.Builder
	for _, f := range s.identity() {
		sb.WriteString(f.path + "=" + f.value + "\n")
	}
	return sb.String()
}

// fieldIndex returns the index path of the dotted Go field path in typ.
func fieldIndex(t *testing.T, typ reflect.Type, path string) []int {
	t.Helper()
	var idx []int
	for _, name := range strings.Split(path, ".") {
		f, ok := typ.FieldByName(name)
		if !ok {
			t.Fatalf("no field %s in %s", name, typ)
		}
		idx = append(idx, f.Index...)
		typ = f.Type
	}
	return idx
}
